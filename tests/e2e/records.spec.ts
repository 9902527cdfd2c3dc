import AxeBuilder from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, startHarnessProcess, test } from './fixtures';

// A vault with 3,000 people and 6,000 completions, made with the real CLI, opened in the UI.

const PASSPHRASE = 'correct horse battery staple orbit';
const UNITS = ['Emergency', 'Intensive Care', 'Laboratory', 'Pharmacy', 'IT', 'Finance'];
let root: string;
let vault: string;
let harness: { child: ChildProcess; url: string };

test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custodian-e2e-records-'));
  vault = join(root, 'St Mary.custodian');
  const roster = ['Employee ID,First Name,Last Name,Email,Department,Job Title,Hire Date'];
  const completions = ['Employee ID,Course,Completion Date,Score'];
  for (let i = 0; i < 3000; i++) {
    roster.push(
      `E${String(10000 + i)},Given${String(i)},Family${String(i).padStart(4, '0')},p${String(i)}@example.org,${UNITS[i % UNITS.length] ?? ''},Role ${String(i % 9)},2020-0${String((i % 9) + 1)}-15`,
    );
    completions.push(`E${String(10000 + i)},Bloodborne Pathogens,2025-01-${String((i % 28) + 1).padStart(2, '0')},${String(60 + (i % 41))}`);
    completions.push(`E${String(10000 + i)},HIPAA Privacy,2025-02-${String((i % 28) + 1).padStart(2, '0')},${String(70 + (i % 31))}`);
  }
  roster.push('E99999,Zoë,Álvarez,zoe.alvarez@example.org,Pharmacy,Pharmacist,2019-05-06');
  writeFileSync(join(root, 'roster.csv'), `${roster.join('\n')}\n`);
  writeFileSync(join(root, 'completions.csv'), `${completions.join('\n')}\n`);
  const env = { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE };
  for (const args of [
    ['init', vault, '--user', 'alice', '--kdf', 'minimum'],
    ['import', vault, join(root, 'roster.csv')],
    ['import', vault, join(root, 'completions.csv')],
  ]) {
    const result = spawnSync('bin/custodian', args, { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`custodian ${args[0] ?? ''} failed: ${result.stderr}`);
  }
});

test.beforeEach(async () => {
  harness = await startHarnessProcess(join(root, 'app-data'), ['--pick-open', vault]);
});
test.afterEach(() => {
  harness.child.kill('SIGTERM');
});
test.afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function unlock(page: Page) {
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Open a vault…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Unlock St Mary' });
  await dialog.getByLabel('User name').fill('alice');
  await dialog.locator('input[type=password]').fill(PASSPHRASE);
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('St Mary');
  await page.getByRole('button', { name: 'People', exact: true }).click();
}

test('people: a windowed list of thousands, sorted, searched, opened', async ({ page }, testInfo) => {
  await unlock(page);
  await expect(page.getByTestId('people-total')).toHaveText('3,001');
  const table = page.getByRole('table', { name: 'People' });
  // Álvarez sorts with the A's; only a window of rows exists in the DOM.
  await expect(table.getByRole('row').nth(1)).toContainText('Álvarez, Zoë');
  expect(await table.getByRole('row').count()).toBeLessThan(120);
  await saveScreenshot(page, testInfo, 'records-people');

  // Keyboard: End jumps to the last person, fetched on demand.
  await table.getByRole('rowgroup').nth(1).focus();
  await page.keyboard.press('End');
  await expect(table.locator('[aria-rowindex="3002"]')).toContainText('Family2999');

  await page.getByRole('button', { name: /^Employee ID/ }).click();
  await page.getByRole('button', { name: /^Employee ID/ }).click();
  await expect(table.locator('[aria-rowindex="2"]')).toContainText('E99999');

  await page.getByLabel('Search people').fill('alvarez');
  await expect(page.getByTestId('people-total')).toHaveText('1');
  await table.locator('[aria-rowindex="2"]').click();
  const drawer = page.getByRole('dialog', { name: 'Zoë Álvarez' });
  await expect(drawer).toContainText('zoe.alvarez@example.org');
  await expect(drawer).toContainText('v1');
  await page.waitForTimeout(400); // let the drawer finish sliding in, for the picture only
  await saveScreenshot(page, testInfo, 'records-person');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
});

test('completions: sorted by date, searched by course', async ({ page }, testInfo) => {
  await unlock(page);
  await page.getByRole('button', { name: 'Completions' }).click();
  await expect(page.getByTestId('completions-total')).toHaveText('6,000');
  const table = page.getByRole('table', { name: 'Completions' });
  await expect(table.locator('[aria-rowindex="2"]')).toContainText('2025-02-28');
  await page.getByLabel('Search completions').fill('hipaa');
  await expect(page.getByTestId('completions-total')).toHaveText('3,000');
  await saveScreenshot(page, testInfo, 'records-completions');
});
