import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

// End-to-end tests of the built app in Debian's Chromium, through the browser harness.
// Requires `npm run build` first (npm test does it).
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  forbidOnly: true,
  retries: 0,
  // One at a time. Each test runs Chromium, a harness and core's worker; with two at once on a
  // 2-core machine (ours, CI's), one spec building its 100,000-person vault starved the other's
  // vault creation past its waits. One worker leaves a core to spare for whatever else the
  // machine runs; the suite stays well under the CI budget.
  workers: 1,
  timeout: 60_000,
  // What a wait for the UI may take on a loaded 2-core machine (Argon2id alone is 0.4 s idle).
  // These bound a hang; they time nothing (figures live in `npm run bench`).
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: '../../test-results/e2e',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 820 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
