import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test as base } from '@playwright/test';
import { startHarnessProcess } from '../support/harnessSession';
import type { Locator, Page, TestInfo } from '@playwright/test';

export interface RunningHarness {
  /** With the token in its fragment: what a tester opens. */
  url: string;
  origin: string;
  dataDir: string;
}

/** Starts `out/harness/server.js` on a free port; `extraArgs` e.g. ['--pick-open', DIR]. */
export { startHarnessProcess } from '../support/harnessSession';

/** Saves a screenshot as a test artefact (attached to the report and kept in tests/artifacts). */
/**
 * How many pixels of a canvas are at most `below` in every channel (0–255): `below` 100 on the red
 * channel alone counts ink; 20 on all three counts solid black (a burned-in box).
 */
export async function darkPixels(canvas: Locator, below: number, allChannels: boolean): Promise<{ dark: number; total: number }> {
  return canvas.evaluate(
    (element: HTMLCanvasElement, { below, allChannels }) => {
      const context = element.getContext('2d');
      if (!context || element.width === 0) return { dark: 0, total: 0 };
      const pixels = context.getImageData(0, 0, element.width, element.height).data;
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const red = pixels[i] ?? 255;
        if (allChannels ? red < below && (pixels[i + 1] ?? 255) < below && (pixels[i + 2] ?? 255) < below : red < below) dark++;
      }
      return { dark, total: pixels.length / 4 };
    },
    { below, allChannels },
  );
}

export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const dir = join('tests', 'artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  return path;
}

/**
 * At a harness started with `--pick-open VAULT`: opens that vault from the welcome screen and
 * unlocks it as `user` (the unlock dialog is named after the vault folder, without `.custodian`).
 */
export async function unlockPickedVault(page: Page, url: string, vaultName: string, user: string, passphrase: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Open a vault…' }).click();
  const unlock = page.getByRole('dialog', { name: `Unlock ${vaultName}` });
  await unlock.getByLabel('User name').fill(user);
  await unlock.locator('input[type=password]').fill(passphrase);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock).toBeHidden({ timeout: 30_000 });
}

/** Every axe-core violation on the page, each as one readable line: the list must be empty. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Each test gets its own harness process and a fresh, empty data folder. */
export const test = base.extend<{ harness: RunningHarness }>({
  // Playwright requires the object pattern as the first parameter, even when empty.
  // eslint-disable-next-line no-empty-pattern
  harness: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custodian-e2e-'));
    const { child, url } = await startHarnessProcess(dataDir);
    try {
      await use({ url, origin: new URL(url).origin, dataDir });
    } finally {
      child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';
