import { defineConfig } from '@playwright/test';

// The same flows as tests/e2e, in the real Electron app. Runs wherever an Electron binary is
// installed; elsewhere every test is skipped and the run says so.
export default defineConfig({
  testDir: '.',
  testMatch: '*.electron.spec.ts',
  forbidOnly: true,
  retries: 0,
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
  globalSetup: './globalSetup.ts',
});
