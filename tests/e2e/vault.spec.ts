import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, saveScreenshot, test } from './fixtures';

const PASSPHRASE = 'correct horse battery staple orbit';

async function createVault(page: Page, name: string) {
  await page.getByRole('button', { name: 'Create a vault…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a vault' });
  await dialog.getByLabel('Vault name').fill(name);
  await dialog.getByRole('button', { name: 'Choose folder…' }).click();
  await expect(dialog.getByTestId('chosen-folder')).toHaveText(`vaults/${name}.custodian`);
  await dialog.getByLabel('Your user name').fill('alice');
  await dialog.locator('input[type=password]').first().fill('password1234');
  await expect(dialog.getByTestId('passphrase-feedback')).toContainText('Too easy to guess');
  await expect(dialog.getByRole('button', { name: 'Create vault' })).toBeDisabled();
  await dialog.locator('input[type=password]').first().fill(PASSPHRASE);
  await dialog.locator('input[type=password]').nth(1).fill(PASSPHRASE);
  await expect(dialog.getByTestId('passphrase-feedback')).not.toContainText('Too easy');
  return dialog;
}

test('creates a vault, shows the recovery key once, locks, and unlocks again', async ({ page, harness }, testInfo) => {
  await page.goto(harness.url);
  const dialog = await createVault(page, 'St Mary');
  await saveScreenshot(page, testInfo, 'vault-create');
  await dialog.getByRole('button', { name: 'Create vault' }).click();

  // The recovery key, shown once, must be confirmed before the vault opens.
  const key = page.getByTestId('recovery-key');
  await expect(key).toHaveText(/^([0-9A-Z]{5} ){10}[0-9A-Z]{5}$/);
  const groups = (await key.textContent())?.split(' ') ?? [];
  // Beside it, the audit log's genesis fingerprint: the anchor an officer keeps with the key.
  await expect(page.getByTestId('genesis-fingerprint')).toHaveText(/^SHA256:[A-Za-z0-9+/]{43}$/);
  const genesis = (await page.getByTestId('genesis-fingerprint').textContent()) ?? '';
  const continueButton = page.getByRole('button', { name: 'Continue to the vault' });
  await expect(continueButton).toBeDisabled();
  await saveScreenshot(page, testInfo, 'vault-recovery-key');
  await page.getByLabel('I have written down or printed the recovery key').check();
  await page.getByLabel('To confirm, type the last group of the key').fill('WRONG');
  await expect(continueButton).toBeDisabled();
  await page.getByLabel('To confirm, type the last group of the key').fill(groups[groups.length - 1] ?? '');
  await continueButton.click();

  await expect(page.getByTestId('vault-name')).toHaveText('St Mary');
  await expect(page.getByTestId('vault-user')).toHaveText('alice');
  await expect(page.getByRole('heading', { name: 'Audit readiness' })).toBeVisible();
  await page.getByRole('button', { name: 'Audit log' }).click();
  await page.getByRole('button', { name: 'Verify the log' }).click();
  await expect(page.getByTestId('log-result')).toContainText(/\d+ entries, \d+ signed checkpoints? \(signed by alice\)/);
  // Created on this computer: the log is checked from the fingerprint kept here.
  await expect(page.getByTestId('log-anchor')).toHaveText(/^Checked from the genesis fingerprint this computer keeps/);
  await expect(page.getByTestId('log-genesis')).toHaveText(genesis);
  await saveScreenshot(page, testInfo, 'vault-home');
  await expectNoAxeViolations(page);

  // The vault on disk: a header, an encrypted database, no recovery key anywhere.
  const dir = join(harness.dataDir, 'vaults', 'St Mary.custodian');
  expect(existsSync(join(dir, 'vault.header'))).toBe(true);
  for (const file of readdirSync(dir)) {
    if (file === 'blobs') continue;
    expect(readFileSync(join(dir, file)).includes(Buffer.from(groups.join('-'))), file).toBe(false);
  }

  // Lock: back to the welcome screen, the key gone from the page.
  await page.keyboard.press('Control+L');
  await expect(page.getByRole('heading', { name: 'Recent vaults' })).toBeVisible();
  expect(await page.content()).not.toContain(groups.join(' '));

  // A wrong passphrase is refused with the core's message; the right one opens.
  await page.getByRole('button', { name: 'Unlock St Mary' }).click();
  const unlock = page.getByRole('dialog', { name: 'Unlock St Mary' });
  await expect(unlock.getByLabel('User name')).toHaveValue('alice');
  await unlock.locator('input[type=password]').fill('not my passphrase at all');
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock.getByRole('alert')).toContainText('Wrong passphrase or unknown user');
  await saveScreenshot(page, testInfo, 'vault-unlock-error');
  await unlock.locator('input[type=password]').fill(PASSPHRASE);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('St Mary');

  // The recovery key opens it too, as the recovery principal.
  await page.getByRole('button', { name: 'Lock' }).click();
  await page.getByRole('button', { name: 'Unlock St Mary' }).click();
  await page.getByRole('button', { name: 'Use the recovery key instead' }).click();
  await page.getByRole('dialog').locator('input[type=password]').fill(groups.join('-'));
  await page.getByRole('dialog').getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('vault-user')).toHaveText('recovery');
});

test('refuses to create a vault over an existing one, saying why', async ({ page, harness }) => {
  await page.goto(harness.url);
  let dialog = await createVault(page, 'Twice');
  await dialog.getByRole('button', { name: 'Create vault' }).click();
  await expect(page.getByTestId('recovery-key')).toBeVisible();
  const groups = (await page.getByTestId('recovery-key').textContent())?.split(' ') ?? [];
  await page.getByLabel('I have written down or printed the recovery key').check();
  await page.getByLabel('To confirm, type the last group of the key').fill(groups[groups.length - 1] ?? '');
  await page.getByRole('button', { name: 'Continue to the vault' }).click();
  await page.getByRole('button', { name: 'Lock' }).click();
  dialog = await createVault(page, 'Twice');
  await dialog.getByRole('button', { name: 'Create vault' }).click();
  await expect(dialog.getByRole('alert')).toContainText('already exists and is not empty');
});

test('a vault this computer keeps no fingerprint for says so, and keeps the one typed from the recovery sheet only if the log begins with it', async ({
  page,
  harness,
}, testInfo) => {
  await page.goto(harness.url);
  const dialog = await createVault(page, 'Elsewhere');
  await dialog.getByRole('button', { name: 'Create vault' }).click();
  const groups = (await page.getByTestId('recovery-key').textContent())?.split(' ') ?? [];
  const genesis = (await page.getByTestId('genesis-fingerprint').textContent()) ?? '';
  await page.getByLabel('I have written down or printed the recovery key').check();
  await page.getByLabel('To confirm, type the last group of the key').fill(groups[groups.length - 1] ?? '');
  await page.getByRole('button', { name: 'Continue to the vault' }).click();
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('button', { name: 'Unlock Elsewhere' })).toBeVisible();

  // As if the vault had been made on another computer: this one keeps no anchor for it. Written
  // atomically, as the app writes it (a reader must never see half a file).
  const settingsFile = join(harness.dataDir, 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { anchors: Record<string, string> };
  expect(Object.values(settings.anchors)).toContain(genesis);
  writeFileSync(`${settingsFile}.tmp`, JSON.stringify({ ...settings, anchors: {} }));
  renameSync(`${settingsFile}.tmp`, settingsFile);

  await page.getByRole('button', { name: 'Unlock Elsewhere' }).click();
  const unlock = page.getByRole('dialog', { name: 'Unlock Elsewhere' });
  await unlock.locator('input[type=password]').fill(PASSPHRASE);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('Elsewhere');
  await page.getByRole('button', { name: 'Audit log' }).click();
  await page.getByRole('button', { name: 'Verify the log' }).click();
  await expect(page.getByTestId('log-anchor')).toHaveText(/^Internal consistency only/);

  const field = page.getByLabel('Genesis fingerprint from the recovery sheet');
  await field.fill('SHA256:short');
  await expect(page.getByRole('button', { name: 'Keep it' })).toBeDisabled();
  // A well-formed fingerprint that is not this log's genesis is refused, naming the one it begins with.
  await field.fill(`SHA256:${'A'.repeat(43)}`);
  await page.getByRole('button', { name: 'Keep it' }).click();
  await expect(page.getByRole('alert')).toContainText(`the log begins with ${genesis}`);
  await field.fill(genesis);
  await page.getByRole('button', { name: 'Keep it' }).click();
  await expect(page.getByTestId('log-anchor')).toHaveText(/^Checked from the genesis fingerprint this computer keeps/);
  await expect(field).toBeHidden();
  await saveScreenshot(page, testInfo, 'vault-log-anchored');
  const kept = JSON.parse(readFileSync(settingsFile, 'utf8')) as { anchors: Record<string, string> };
  expect(Object.values(kept.anchors)).toEqual([genesis]);
});
