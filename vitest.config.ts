import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (src/**/*.test.ts); cross-module integration tests live in
// tests/integration and tests/lint. Playwright suites (tests/e2e, tests/electron) run separately.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/lint/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    allowOnly: false,
  },
});
