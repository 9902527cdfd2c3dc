import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, startHarnessProcess, test } from './fixtures';

// The import wizard end to end: native file dialog stubbed by the harness, real core.

const PASSPHRASE = 'correct horse battery staple orbit';
let root: string;
let vault: string;
let harness: { child: ChildProcess; url: string } | null = null;

/** The harness, answering the import wizard's file dialog with `file`. */
async function startHarness(file: string) {
  harness = await startHarnessProcess(join(root, 'app-data'), ['--pick-open', vault, '--pick-import', join(root, file)]);
  return harness;
}

async function unlock(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Open a vault…' }).click();
  const unlock = page.getByRole('dialog', { name: 'Unlock Clinic' });
  await unlock.getByLabel('User name').fill('alice');
  await unlock.locator('input[type=password]').fill(PASSPHRASE);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('button', { name: 'People', exact: true }).click();
}

/** YYYY-MM-DD, `days` from today (local time, as the person drawer reckons expiry). */
function dayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test.beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'custodian-e2e-import-'));
  vault = join(root, 'Clinic.custodian');
  const init = spawnSync('bin/custodian', ['init', vault, '--user', 'alice', '--kdf', 'minimum'], {
    env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE },
  });
  if (init.status !== 0) throw new Error(init.stderr.toString());
  const rows = ['Person Number,Legal First Name,Legal Last Name,E-mail,Department,Position,Start Date'];
  for (let i = 0; i < 40; i++)
    rows.push(
      `P${String(i)},Given${String(i)},Family${String(i)},p${String(i)}@example.org,Laboratory,Lab Technician,2021-03-${String((i % 28) + 1).padStart(2, '0')}`,
    );
  rows.push('P99,Nadia,Invalid,not-an-email,Laboratory,Lab Technician,2021-02-30');
  writeFileSync(join(root, 'workday.csv'), `${rows.join('\n')}\n`);
});
test.afterEach(() => {
  harness?.child.kill('SIGTERM');
  harness = null;
  rmSync(root, { recursive: true, force: true });
});

test('imports a roster through the wizard: preview, check, report, skip invalid, import', async ({ page }, testInfo) => {
  const { url } = await startHarness('workday.csv');
  await unlock(page, url);
  await expect(page.getByTestId('people-total')).toHaveText('0');
  await expect(page.getByText('Choose Import… to bring in an export')).toBeVisible();

  await page.getByRole('button', { name: 'Import…' }).click();
  const wizard = page.getByRole('dialog', { name: 'Import records' });
  await wizard.getByRole('button', { name: 'Choose file…' }).click();
  await expect(wizard.getByTestId('import-file')).toHaveText('workday.csv');
  await expect(wizard.getByTestId('import-preview')).toContainText('Given0');
  await expect(wizard.getByLabel('Field for column Person Number')).toHaveValue('employeeId');
  // Menus show field names people read.
  await expect(wizard.getByLabel('Field for column Person Number').locator('option:checked')).toHaveText('Employee ID');
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

test('imports certifications through the wizard; the person drawer shows them with their expiry status', async ({ page }, testInfo) => {
  const env = { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE };
  const roster = spawnSync('bin/custodian', ['import', vault, join(root, 'workday.csv'), '--skip-invalid'], { env, encoding: 'utf8' });
  if (roster.status !== 0) throw new Error(roster.stderr);
  writeFileSync(
    join(root, 'licences.csv'),
    [
      'Person Number,Employee Name,License Type,License Number,Issue Date,Expiration Date,Licensing Board',
      `P1,Given1 Family1,Medical Laboratory Scientist,MLS-40211,2019-05-01,${dayFromToday(400)},ASCP Board of Certification`,
      `P1,Given1 Family1,BLS Provider,BLS-88213,2023-06-12,${dayFromToday(45)},American Heart Association`,
      `P1,Given1 Family1,Phlebotomy Technician,PBT-1177,2020-02-03,${dayFromToday(-12)},ASCP Board of Certification`,
      `P2,Given2 Family2,BLS Provider,BLS-90456,2024-01-15,${dayFromToday(300)},American Heart Association`,
      `P7,Given7 Family7,BLS Provider,BLS-90457,2025-01-15,2024-12-31,American Heart Association`,
    ].join('\n') + '\n',
  );
  const { url } = await startHarness('licences.csv');
  await unlock(page, url);
  await expect(page.getByTestId('people-total')).toHaveText('40');

  await page.getByRole('button', { name: 'Import…' }).click();
  const wizard = page.getByRole('dialog', { name: 'Import records' });
  await wizard.getByRole('button', { name: 'Choose file…' }).click();
  await expect(wizard.getByTestId('import-file')).toHaveText('licences.csv');
  await expect(wizard.getByLabel('Field for column License Type')).toHaveValue('certificationName');
  await expect(wizard.getByLabel('Field for column Licensing Board')).toHaveValue('issuer');
  await expect(wizard.getByRole('radio', { name: 'Certifications' })).toBeChecked();

  await wizard.getByRole('button', { name: 'Check' }).click();
  const result = wizard.getByTestId('import-result');
  await expect(result).toContainText('5 rows: 4 new, 0 changed, 0 unchanged, 1 invalid');
  await expect(wizard.getByTestId('import-report')).toContainText('expires before it was issued');
  await wizard.getByLabel('Import the valid rows and skip the rest').check();
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(result).toContainText('Imported');
  await saveScreenshot(page, testInfo, 'import-certifications');
  await wizard.getByRole('button', { name: 'Done' }).click();

  await page.getByLabel('Search people').fill('Given1');
  await expect(page.getByTestId('people-total')).toHaveText('11'); // Given1, Given10-19
  await page.getByRole('table', { name: 'People' }).getByRole('row').filter({ hasText: 'Family1, Given1' }).click();
  const drawer = page.getByRole('dialog', { name: 'Given1 Family1' });
  const section = drawer.getByTestId('person-certifications');
  await expect(section.getByRole('row')).toHaveCount(4);
  await expect(section.getByRole('row', { name: /Medical Laboratory Scientist/ })).toContainText('MLS-40211');
  await expect(section.getByRole('row', { name: /Medical Laboratory Scientist/ })).toContainText('Valid');
  await expect(section.getByRole('row', { name: /BLS Provider/ })).toContainText('Expires in 45 days');
  await expect(section.getByRole('row', { name: /Phlebotomy Technician/ })).toContainText('Expired');
  await page.waitForTimeout(400); // let the drawer finish sliding in, for the picture only
  await saveScreenshot(page, testInfo, 'person-certifications');
  const axe = await new AxeBuilder({ page }).include('[data-testid="person-certifications"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
});
