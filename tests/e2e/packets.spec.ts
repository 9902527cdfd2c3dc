import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, expectNoAxeViolations, saveScreenshot, startHarnessProcess, test } from './fixtures';

// The packet's round trip as its two users meet it: the officer builds a packet from the demo
// vault (scope, preview of sample and exceptions, signature, progress, fingerprint); then, vault
// locked, the auditor opens the same file in auditor mode, sees it verify file by file and
// browses it; and a packet altered on the way is shown as failing, naming the file.

const DEMO_USER = 'demo-officer';
const DEMO_PASSPHRASE = 'riverside demo vault passphrase';

test('build a packet from the demo vault, then open it in auditor mode; an altered copy fails naming the file', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-e2e-packet-'));
  const packet = join(dir, 'audit packet.zip');
  const harness = await startHarnessProcess(join(dir, 'data'), ['--pick-save', packet, '--pick-packet', packet]);
  try {
    await page.goto(harness.url);
    await page.getByRole('button', { name: 'Open the demo vault' }).click();
    await expect(page.getByTestId('vault-name')).toHaveText('Riverside Demo', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Audit packets' }).click();
    await expect(page.getByRole('heading', { name: 'Audit packets' })).toBeVisible();

    // Scope: HIPAA, the first half of the year, for an auditor, the default attribute sample.
    await page.getByRole('combobox', { name: 'Frameworks' }).click();
    await page.getByRole('option', { name: /HIPAA/ }).click();
    await page.keyboard.press('Escape');
    await page.getByLabel('Organisation (cover and bag-info)').fill('Riverside Regional Hospital');
    await page.getByLabel('Period from').fill('2026-01-01');
    await page.getByLabel('Period to').fill('2026-06-30');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('packet-preview');
    await expect(preview).toBeVisible({ timeout: 60_000 });
    await expect(preview.getByRole('table', { name: 'Sample' })).toContainText('29');
    await expect(page.getByTestId('preview-exception-count')).toContainText('exception');
    await saveScreenshot(page, testInfo, 'packet-preview');
    await expectNoAxeViolations(page);

    // Build: the save dialog (stubbed), then the signature: user name and passphrase again.
    await page.getByRole('button', { name: 'Build and sign…' }).click();
    const sign = page.getByRole('dialog', { name: 'Sign the audit packet' });
    await sign.getByLabel('User name').fill(DEMO_USER);
    await sign.getByLabel('Passphrase').fill('not the passphrase');
    await sign.getByRole('button', { name: 'Sign and build' }).click();
    await expect(sign.getByRole('alert')).toBeVisible({ timeout: 30_000 });
    await sign.getByLabel('Passphrase').fill(DEMO_PASSPHRASE);
    await sign.getByRole('button', { name: 'Sign and build' }).click();
    const result = page.getByTestId('packet-result');
    await expect(result).toContainText('saved as audit packet.zip', { timeout: 120_000 });
    const fingerprint = (await page.getByTestId('packet-fingerprint').textContent()) ?? '';
    expect(fingerprint).toMatch(/^SHA256:/);
    await saveScreenshot(page, testInfo, 'packet-built');
    expect(existsSync(packet)).toBe(true);
    // What the auditor will check with stock tools: the zip is whole.
    expect(spawnSync('unzip', ['-tq', packet]).status).toBe(0);

    // Lock; on the start screen open the received packet in auditor mode.
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('button', { name: 'Open a received packet…' }).click();
    await expect(page.getByTestId('verdict-summary')).toContainText('audit packet.zip verifies', { timeout: 60_000 });
    await expect(page.getByTestId('verdict-fingerprint')).toHaveText(fingerprint);
    await expect(page.getByRole('list', { name: 'Checks' })).toContainText('proofs');
    // The report in the viewer, the workbook's sheets, the sample.
    await expect(page.getByTestId('pdf-page')).toContainText('Page 1 of', { timeout: 30_000 });
    await saveScreenshot(page, testInfo, 'auditor-mode-report');
    await page.getByRole('tab', { name: 'Workbook' }).click();
    await page.getByText('Exceptions', { exact: true }).click();
    await expect(page.getByRole('table', { name: 'Sheet Exceptions' })).toContainText('P-', { timeout: 20_000 });
    await page.getByRole('tab', { name: 'Sample' }).click();
    await expect(page.getByRole('table', { name: 'Sample per requirement' })).toContainText('29');
    await page.getByRole('tab', { name: /^Evidence/ }).click();
    await saveScreenshot(page, testInfo, 'auditor-mode-evidence');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Close the packet' }).click();

    // The same packet with one byte of its report changed: it fails, naming the file.
    const bytes = readFileSync(packet);
    const report = bytes.indexOf(Buffer.from('data/report.pdf'));
    const at = bytes.indexOf(Buffer.from('%PDF-'), report) + 300;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    writeFileSync(packet, bytes);
    await page.getByRole('button', { name: 'Open a received packet…' }).click();
    await expect(page.getByTestId('verdict-summary')).toContainText('does NOT verify', { timeout: 60_000 });
    await expect(page.getByTestId('verdict-problems')).toContainText('data/report.pdf');
    await saveScreenshot(page, testInfo, 'auditor-mode-failed');
  } finally {
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
