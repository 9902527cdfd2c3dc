import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { darkPixels, expect, expectNoAxeViolations, saveScreenshot, startHarnessProcess, test } from './fixtures';
import type { Page } from '@playwright/test';

// The evidence workspace on the demo vault, as an officer walks it: from a gap to the files
// behind it, opened in the viewer, accepted and rejected with electronic signatures.

const DEMO_USER = 'demo-officer';
const DEMO_PASSPHRASE = 'riverside demo vault passphrase';

/** "1,234 of 5,678" in the Review state row of the score's parts. */
async function reviewMet(page: Page): Promise<number> {
  const text = (await page.getByTestId('component-review').locator('td').nth(1).textContent()) ?? '';
  const match = /^([\d,]+) of/.exec(text.trim());
  if (!match?.[1]) throw new Error(`no review count in "${text}"`);
  return Number(match[1].replace(/,/g, ''));
}

async function openDemo(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Open the demo vault' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('Riverside Demo', { timeout: 60_000 });
  await expect(page.getByTestId('component-review')).toBeVisible({ timeout: 30_000 });
}

test('from an unreviewed-evidence gap: open a file in the viewer, accept it with the passphrase, see the score and the signature', async ({
  page,
  harness,
}, testInfo) => {
  test.setTimeout(120_000);
  await openDemo(page, harness.url);
  const before = await reviewMet(page);

  // The gap: unreviewed evidence for some requirement (all gaps listed, if it is not in the top few).
  const gaps = page.getByTestId('gaps-table');
  const showAll = page.getByRole('button', { name: /^Show all \d+ gaps$/ });
  if (await showAll.isVisible()) await showAll.click();
  await gaps.getByTestId('gap-row').filter({ hasText: 'Unreviewed evidence' }).first().getByRole('button').click();
  await page.getByRole('button', { name: 'Open in Evidence' }).click();

  // The Evidence screen, filtered to the unreviewed files of that requirement.
  await expect(page.getByRole('heading', { name: 'Evidence' })).toBeVisible();
  await expect(page.getByLabel('State')).toHaveValue('pending');
  await expect(page.getByTestId('evidence-total')).not.toHaveText('0');
  const table = page.getByRole('table', { name: 'Evidence' });
  const firstRow = table.locator('[aria-rowindex="2"]');
  await expect(firstRow).toContainText('Unreviewed');
  await saveScreenshot(page, testInfo, 'evidence-list');
  await expectNoAxeViolations(page);
  // In the review queue's order: the first wins the most score points, and shows how many.
  await page.getByText('Review queue', { exact: true }).click();
  await expect(firstRow).toContainText(/\+0\.0*[1-9]|\+[1-9]/);

  // Opened: the original, decrypted in core, in the viewer (a PDF, an image, or a report's table).
  await firstRow.click();
  const drawer = page.getByRole('dialog').filter({ has: page.getByTestId('evidence-state') });
  await expect(drawer.getByTestId('evidence-state')).toHaveText('Unreviewed');
  await expect(drawer.locator('[data-testid="pdf-canvas"], [data-testid="evidence-image"], [data-testid="evidence-csv"]')).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(400); // the drawer's slide-in, for the picture only
  await saveScreenshot(page, testInfo, 'evidence-viewer');

  // A wrong passphrase signs nothing and says so.
  await drawer.getByRole('button', { name: 'Accept…' }).click();
  const sign = page.getByRole('dialog', { name: /^Accept / });
  await sign.getByLabel('User name').fill(DEMO_USER);
  await sign.getByLabel('Passphrase').fill('not the demo passphrase');
  await sign.getByRole('button', { name: 'Sign and accept' }).click();
  await expect(sign.getByRole('alert')).toContainText('Wrong passphrase (or user name): nothing was signed.');
  await expect(sign.getByTestId('signature-statement')).toContainText(`signing as ${DEMO_USER}`);
  await saveScreenshot(page, testInfo, 'evidence-sign');
  // The right one signs: the file is accepted and its signature shown, verified.
  await sign.getByLabel('Passphrase').fill(DEMO_PASSPHRASE);
  await sign.getByRole('button', { name: 'Sign and accept' }).click();
  await expect(sign).toBeHidden();
  await expect(drawer.getByTestId('evidence-state')).toHaveText('Accepted');
  await expect(drawer.getByTestId('signature-line').first()).toContainText(`Signed by ${DEMO_USER} (${DEMO_USER})`);
  await expect(drawer.getByTestId('signature-line').first()).toContainText('meaning: approved');
  await expect(drawer.getByTestId('signature-check').first()).toContainText('Signature verified');

  // The score counts it: one more training's evidence reviewed and accepted.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Dashboard' }).click();
  await expect.poll(() => reviewMet(page), { timeout: 20_000 }).toBeGreaterThan(before);
});

test('the review queue: reject with a reason (the session has signed once: the passphrase alone), bulk accept a selection', async ({
  page,
  harness,
}, testInfo) => {
  test.setTimeout(120_000);
  await openDemo(page, harness.url);
  await page.getByRole('button', { name: 'Evidence', exact: true }).click();
  await page.getByText('Review queue', { exact: true }).click();
  const table = page.getByRole('table', { name: 'Evidence' });
  await expect(table.locator('[aria-rowindex="2"]')).toContainText('Unreviewed');
  const queued = Number(((await page.getByTestId('evidence-total').textContent()) ?? '0').replace(/,/g, ''));
  // The queue's first file wins the most points.
  await expect(table.locator('[aria-rowindex="2"]')).toContainText(/\+\d+\.\d\d/);

  // Reject the first with a reason: the user name is asked, this being the session's first signature.
  await table.locator('[aria-rowindex="2"]').click();
  const drawer = page.getByRole('dialog').filter({ has: page.getByTestId('evidence-state') });
  await drawer.getByRole('button', { name: 'Reject…' }).click();
  const reject = page.getByRole('dialog', { name: /^Reject / });
  await expect(reject.getByRole('button', { name: 'Sign and reject' })).toBeDisabled();
  await reject.getByLabel('Reason for rejecting').fill('trainer signature missing');
  await reject.getByLabel('User name').fill(DEMO_USER);
  await reject.getByLabel('Passphrase').fill(DEMO_PASSPHRASE);
  await reject.getByRole('button', { name: 'Sign and reject' }).click();
  await expect(reject).toBeHidden();
  await expect(drawer.getByTestId('evidence-state')).toHaveText('Rejected');
  await expect(drawer.getByTestId('signature-line').first()).toContainText('reason: trainer signature missing');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('evidence-total')).toHaveText((queued - 1).toLocaleString('en'));

  // Bulk: two selected, one signature dialog (now only the passphrase), both accepted.
  await table.locator('[aria-rowindex="2"]').getByRole('checkbox').check();
  await table.locator('[aria-rowindex="3"]').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Accept selected (2)…' }).click();
  const bulk = page.getByRole('dialog', { name: 'Accept 2 files' });
  await expect(bulk.getByLabel('User name')).toHaveCount(0);
  await bulk.getByLabel('Passphrase').fill(DEMO_PASSPHRASE);
  await saveScreenshot(page, testInfo, 'evidence-bulk-sign');
  await bulk.getByRole('button', { name: 'Sign and accept' }).click();
  await expect(bulk).toBeHidden();
  await expect(page.getByTestId('evidence-total')).toHaveText((queued - 3).toLocaleString('en'));
  await saveScreenshot(page, testInfo, 'evidence-queue');
});

/** A real three-page PDF, each page saying which it is in large type. */
async function threePagePdf(path: string): Promise<void> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= 3; n++) {
    const page = pdf.addPage([595, 842]);
    page.drawText(`Attendance sheet, page ${String(n)} of 3`, { x: 60, y: 760, size: 28, font });
  }
  writeFileSync(path, await pdf.save());
}

test('add a PDF from the app to a training without evidence, then page through it: thumbnails, keyboard, zoom', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-e2e-'));
  const file = join(dir, 'attendance-3-pages.pdf');
  await threePagePdf(file);
  const exported = join(dir, 'evidence.csv');
  const harness = await startHarnessProcess(join(dir, 'data'), ['--pick-evidence', file, '--pick-save', exported]);
  try {
    await openDemo(page, harness.url);
    await page.getByRole('button', { name: 'Evidence', exact: true }).click();
    await page.getByText('Missing evidence', { exact: true }).click();
    // The first requirement with trainings that lack evidence.
    const select = page.getByLabel('Requirement');
    const options = await select.locator('option').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    for (const option of options) {
      await select.selectOption(option);
      await expect(page.getByTestId('missing-total')).toBeVisible();
      if ((await page.getByTestId('missing-total').textContent())?.includes('without the evidence')) break;
    }
    const missingBefore = (await page.getByTestId('missing-total').textContent()) ?? '';
    await page.getByTestId('missing-table').getByRole('button', { name: 'Add evidence…' }).first().click();
    const add = page.getByRole('dialog', { name: 'Add evidence' });
    await add.getByRole('button', { name: 'Choose file…' }).click();
    await expect(add.getByTestId('add-evidence-file')).toHaveText('attendance-3-pages.pdf');
    await add.getByRole('button', { name: 'Add to vault' }).click();
    await expect(add.getByTestId('add-evidence-done')).toContainText('attendance-3-pages.pdf');
    await add.getByRole('button', { name: 'Close' }).click();
    // One training fewer lacks its evidence.
    await expect(page.getByTestId('missing-total')).not.toHaveText(missingBefore);

    await page.getByText('All evidence', { exact: true }).click();
    await page.getByLabel('Search').fill('attendance-3-pages');
    const row = page.getByRole('table', { name: 'Evidence' }).locator('[aria-rowindex="2"]');
    await expect(row).toContainText('attendance-3-pages.pdf');
    await expect(row).toContainText('Unreviewed');
    await row.click();
    const drawer = page.getByRole('dialog').filter({ has: page.getByTestId('evidence-state') });
    await expect(drawer.getByTestId('pdf-page')).toHaveText('Page 1 of 3', { timeout: 20_000 });
    await expect(drawer.getByRole('button', { name: /^Page \d$/ })).toHaveCount(3);
    // Keyboard paging on the page box; + zooms; a thumbnail jumps.
    await drawer.getByTestId('pdf-canvas-box').focus();
    await page.keyboard.press('PageDown');
    await expect(drawer.getByTestId('pdf-page')).toHaveText('Page 2 of 3');
    await page.keyboard.press('End');
    await expect(drawer.getByTestId('pdf-page')).toHaveText('Page 3 of 3');
    await page.keyboard.press('+');
    await expect(drawer.getByTestId('pdf-zoom')).toHaveText('125%');
    await drawer.getByRole('button', { name: 'Page 1' }).click();
    await expect(drawer.getByTestId('pdf-page')).toHaveText('Page 1 of 3');
    // Painted: the canvas holds dark (text) pixels, not only the white page.
    await expect.poll(async () => (await darkPixels(drawer.getByTestId('pdf-canvas'), 100, false)).dark, { timeout: 15_000 }).toBeGreaterThan(100);
    await page.waitForTimeout(400);
    await saveScreenshot(page, testInfo, 'evidence-pdf');

    // The list as on screen (one file, by its search) exported as CSV, and logged.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Export CSV…' }).click();
    await expect(page.getByTestId('export-status')).toHaveText('Saved 1 row to evidence.csv (logged).');
    const csv = readFileSync(exported, 'utf8').split('\r\n');
    expect(csv[0]).toBe('Document date,File,Type,Bytes,Person,Employee ID,Pseudonym,Linked to,State,Reviewed by,Reviewed at,Meaning,Added,Added by');
    expect(csv[1]).toContain('attendance-3-pages.pdf,application/pdf');
    expect(csv[1]).toContain(',pending,');
  } finally {
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
