import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEGACY_PASSPHRASE, LEGACY_USER, paddedLegacyVault } from '../support/legacyVault';
import { expect, expectNoAxeViolations, saveScreenshot, startHarnessProcess, test } from './fixtures';

// The first unlock after an update upgrades the vault's database, which takes seconds to
// minutes on a large vault: the unlock dialog says which step runs instead of "Checking…".
// The vault is the schema-70 fixture padded with 150,000 completions, so migration 80 really
// rewrites them while the test watches.

let root: string | undefined;
let harness: { child: ChildProcess; url: string } | null = null;

test.afterEach(() => {
  harness?.child.kill('SIGTERM');
  harness = null;
  if (root) rmSync(root, { recursive: true, force: true });
});

test("a vault's first unlock after an update shows the upgrade step by step, then opens", async ({ page }, testInfo) => {
  root = mkdtempSync(join(tmpdir(), 'custodian-e2e-upgrade-'));
  const vault = join(root, 'Upgrading.custodian');
  await paddedLegacyVault(vault, 150_000);
  harness = await startHarnessProcess(join(root, 'app-data'), ['--pick-open', vault]);
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Open a vault…' }).click();
  const unlock = page.getByRole('dialog', { name: 'Unlock Upgrading' });
  await unlock.getByLabel('User name').fill(LEGACY_USER);
  await unlock.locator('input[type=password]').fill(LEGACY_PASSPHRASE);
  await unlock.getByRole('button', { name: 'Unlock' }).click();

  const upgrade = unlock.getByTestId('vault-upgrade');
  await expect(upgrade).toBeVisible();
  await expect(upgrade.getByRole('status')).toHaveText(/^Step 1 of \d+: compact completions$/);
  await expect(upgrade.getByTestId('vault-upgrade-elapsed')).toHaveText(/^\d+ s$/);
  await expect(upgrade.getByRole('progressbar', { name: 'Upgrade steps done' })).toHaveAttribute('aria-valuenow', '0');
  await expect(upgrade.getByRole('progressbar', { name: 'Upgrade step running' })).toBeVisible();
  // The usual "Checking…" gives way to it; the dialog cannot be dismissed mid-upgrade.
  await expect(unlock.getByText(/Checking…/)).toBeHidden();
  await expect(unlock.getByRole('button', { name: 'Cancel' })).toBeDisabled();
  await saveScreenshot(page, testInfo, 'vault-upgrade');
  await expectNoAxeViolations(page);

  await expect(unlock).toBeHidden({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Audit log' })).toBeVisible();
});
