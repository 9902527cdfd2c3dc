import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, saveScreenshot, startHarnessProcess, test } from './fixtures';

// The import wizard end to end: native file dialog stubbed by the harness, real core.

const PASSPHRASE = 'correct horse battery staple orbit';
let root: string;
let harness: { child: ChildProcess; url: string };

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'custodian-e2e-import-'));
  const vault = join(root, 'Clinic.custodian');
  const init = spawnSync('bin/custodian', ['init', vault, '--user', 'alice', '--kdf', 'minimum'], { env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE } });
  if (init.status !== 0) throw new Error(init.stderr.toString());
  const rows = ['Person Number,Legal First Name,Legal Last Name,E-mail,Department,Position,Start Date'];
  for (let i = 0; i < 40; i++) rows.push(`P${String(i)},Given${String(i)},Family${String(i)},p${String(i)}@example.org,Laboratory,Lab Technician,2021-03-${String((i % 28) + 1).padStart(2, '0')}`);
  rows.push('P99,Nadia,Invalid,not-an-email,Laboratory,Lab Technician,2021-02-30');
  writeFileSync(join(root, 'workday.csv'), `${rows.join('\n')}\n`);
  harness = await startHarnessProcess(join(root, 'app-data'), ['--pick-open', vault, '--pick-import', join(root, 'workday.csv')]);
});
test.afterEach(() => {
  harness.child.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

test('imports a roster through the wizard: preview, check, report, skip invalid, import', async ({ page }, testInfo) => {
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Open a vault…' }).click();
  const unlock = page.getByRole('dialog', { name: 'Unlock Clinic' });
  await unlock.getByLabel('User name').fill('alice');
  await unlock.locator('input[type=password]').fill(PASSPHRASE);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('people-total')).toHaveText('0');
  await expect(page.getByText('Choose Import… to bring in an export')).toBeVisible();

  await page.getByRole('button', { name: 'Import…' }).click();
  const wizard = page.getByRole('dialog', { name: 'Import records' });
  await wizard.getByRole('button', { name: 'Choose file…' }).click();
  await expect(wizard.getByTestId('import-file')).toHaveText('workday.csv');
  await expect(wizard.getByTestId('import-preview')).toContainText('Given0');
  await expect(wizard.getByLabel('Field for column Person Number')).toHaveValue('employeeId');
  await expect(wizard.getByLabel('Field for column Position')).toHaveValue('jobRole');

  await wizard.getByRole('button', { name: 'Check' }).click();
  const result = wizard.getByTestId('import-result');
  await expect(result).toContainText('Check found problems');
  await expect(result).toContainText('41 rows: 40 new, 0 changed, 0 unchanged, 1 invalid');
  await expect(wizard.getByTestId('import-report')).toContainText('not an e-mail address');
  await saveScreenshot(page, testInfo, 'import-check');

  await wizard.getByLabel('Import the valid rows and skip the rest').check();
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(result).toContainText('Imported');
  await saveScreenshot(page, testInfo, 'import-done');
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('people-total')).toHaveText('40');
});
