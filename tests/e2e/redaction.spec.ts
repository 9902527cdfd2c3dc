import { execFileSync, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { darkPixels, expect, expectNoAxeViolations, saveScreenshot, startHarnessProcess, test, unlockPickedVault } from './fixtures';

const PASSPHRASE = 'correct horse battery staple orbit';

/** The RGB of an <img>'s own pixels (natural size, not as scaled on screen) at each point. */
function imagePixels(image: Locator, points: [number, number][]): Promise<number[][]> {
  return image.evaluate((img: HTMLImageElement, at) => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context?.drawImage(img, 0, 0);
    return at.map(([x, y]) => Array.from(context?.getImageData(x, y, 1, 1).data ?? []).slice(0, 3));
  }, points);
}

// Redaction as an officer does it before evidence leaves the building: a demo sign-in sheet
// (other staff's names and employee ids on it), the vault's suggestions accepted or rejected, a
// box drawn by hand, a reason given, and a new redacted version saved and shown.

test('redact a demo sign-in sheet: accept suggestions, reject one, draw a box, save a new version and see it', async ({ page, harness }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Open the demo vault' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('Riverside Demo', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Evidence', exact: true }).click();
  await page.getByLabel('Search').fill('Sign-in sheet');
  const row = page.getByRole('table', { name: 'Evidence' }).locator('[aria-rowindex="2"]');
  await expect(row).toContainText('Sign-in sheet');
  await row.click();
  const drawer = page.getByRole('dialog').filter({ has: page.getByTestId('evidence-state') });
  await drawer.getByRole('button', { name: 'Redact…' }).click();

  // The drawer turns into the redaction workspace.
  const modal = page.getByTestId('redact-workspace');
  await expect(modal.getByRole('heading', { name: /^Redact Sign-in sheet/ })).toBeVisible();
  await expect(modal.getByTestId('redact-canvas')).toBeVisible({ timeout: 20_000 });
  await modal.getByRole('button', { name: 'Find suggestions' }).click();
  const suggestions = modal.getByTestId('redact-suggestions');
  // The attendees are people of this vault: their names and employee ids are suggested.
  await expect(suggestions.getByText('name of a person in this vault').first()).toBeVisible({ timeout: 30_000 });
  await expect(suggestions.getByText('employee id of a person in this vault').first()).toBeVisible();
  const count = await suggestions.getByRole('checkbox').count();
  expect(count).toBeGreaterThan(2);
  await expect(modal.getByTestId('redact-accepted-count')).toHaveText(`${String(count)} of ${String(count)} accepted`);
  await expect(modal.getByTestId('redact-box-accepted').first()).toBeVisible();

  // Reject one by keyboard: focus its checkbox, Space.
  await suggestions.getByRole('checkbox').first().focus();
  await page.keyboard.press('Space');
  await expect(modal.getByTestId('redact-accepted-count')).toHaveText(`${String(count - 1)} of ${String(count)} accepted`);
  await expect(modal.getByTestId('redact-box-rejected').first()).toBeVisible();

  // Draw a box by hand over the sheet's heading.
  const overlay = modal.getByTestId('redact-overlay');
  const area = await overlay.boundingBox();
  if (!area) throw new Error('no overlay');
  await page.mouse.move(area.x + area.width * 0.3, area.y + area.height * 0.05);
  await page.mouse.down();
  await page.mouse.move(area.x + area.width * 0.7, area.y + area.height * 0.09, { steps: 5 });
  await page.mouse.up();
  await expect(modal.getByTestId('redact-drawn-count')).toContainText('1 box drawn by hand');
  // And one more from the keyboard, moved with the arrows, then deleted again.
  await modal.getByRole('button', { name: 'Add a box' }).click();
  await expect(modal.getByTestId('redact-drawn-count')).toContainText('2 boxes drawn by hand');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Delete');
  await expect(modal.getByTestId('redact-drawn-count')).toContainText('1 box drawn by hand');
  await saveScreenshot(page, testInfo, 'redaction-suggestions');
  await expectNoAxeViolations(page);

  await modal.getByRole('button', { name: /^Redact and save a new version/ }).click();
  await expect(modal.getByTestId('redact-done')).toContainText('(redacted).pdf', { timeout: 60_000 });
  await modal.getByRole('button', { name: 'Open the redacted version' }).click();

  // The drawer lists the version and shows it: black boxes burned into the page.
  await expect(drawer.getByTestId('redacted-versions')).toContainText('third-party-PII');
  await expect(drawer.getByTestId('viewer-showing')).toBeVisible();
  await expect(drawer.getByTestId('pdf-page')).toHaveText(/Page 1 of \d+/, { timeout: 20_000 });
  await expect
    .poll(
      async () => {
        const { dark, total } = await darkPixels(drawer.getByTestId('pdf-canvas'), 20, true);
        return total > 0 ? dark / total : 0;
      },
      { timeout: 15_000 },
    )
    // The boxes cover a visible share of the page: several percent of its pixels are solid black.
    .toBeGreaterThan(0.02);
  await page.waitForTimeout(400);
  await saveScreenshot(page, testInfo, 'redaction-saved');
});

// A TIFF scan, which Chromium cannot show: the workspace shows it as core decodes it for
// redaction (orientation tag applied, as PNG), so a box lands where it is drawn.
test('redact a rotated TIFF scan: shown as displayed, a box drawn by hand, saved as a PNG version', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const root = mkdtempSync(join(tmpdir(), 'custodian-e2e-tiff-'));
  let harness: { child: ChildProcess; url: string } | null = null;
  try {
    const vault = join(root, 'Clinic.custodian');
    const env = { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE };
    const init = spawnSync('bin/custodian', ['init', vault, '--user', 'alice', '--kdf', 'minimum'], { env });
    if (init.status !== 0) throw new Error(init.stderr.toString());
    // Stored 600 × 400, a red band along the stored top edge; orientation 6: shown 400 × 600, the band on the right.
    execFileSync('/usr/bin/python3', [
      '-c',
      "import sys\nfrom PIL import Image, ImageDraw\nim = Image.new('RGB', (600, 400), (235, 235, 235))\nImageDraw.Draw(im).rectangle([0, 0, 599, 59], fill=(220, 0, 0))\nim.save(sys.argv[1], tiffinfo={274: 6})",
      join(root, 'scan.tif'),
    ]);
    const add = spawnSync('bin/custodian', ['evidence', 'add', vault, join(root, 'scan.tif'), '--user', 'alice'], { env });
    if (add.status !== 0) throw new Error(add.stderr.toString());

    harness = await startHarnessProcess(join(root, 'app-data'), ['--pick-open', vault]);
    await unlockPickedVault(page, harness.url, 'Clinic', 'alice', PASSPHRASE);
    await page.getByRole('button', { name: 'Evidence', exact: true }).click();
    const row = page.getByRole('table', { name: 'Evidence' }).locator('[aria-rowindex="2"]');
    await expect(row).toContainText('scan.tif');
    await row.click();
    const drawer = page.getByRole('dialog').filter({ has: page.getByTestId('evidence-state') });
    await drawer.getByRole('button', { name: 'Redact…' }).click();

    const modal = page.getByTestId('redact-workspace');
    const image = modal.getByTestId('redact-canvas');
    await expect(image).toBeVisible({ timeout: 20_000 });
    // As displayed: 400 wide, 600 high, the red band down the right-hand side.
    expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([400, 600]);
    const [right, left] = await imagePixels(image, [
      [380, 300],
      [20, 300],
    ]);
    expect(right?.[0]).toBeGreaterThan(180);
    expect(right?.[1]).toBeLessThan(60);
    expect(left?.[1]).toBeGreaterThan(180);

    // A box over the red band, drawn where it is seen.
    const overlay = modal.getByTestId('redact-overlay');
    const area = await overlay.boundingBox();
    if (!area) throw new Error('no overlay');
    await page.mouse.move(area.x + area.width * 0.8, area.y + area.height * 0.1);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width * 0.99, area.y + area.height * 0.9, { steps: 5 });
    await page.mouse.up();
    await expect(modal.getByTestId('redact-drawn-count')).toContainText('1 box drawn by hand');
    await saveScreenshot(page, testInfo, 'redaction-tiff');
    await expectNoAxeViolations(page);
    await modal.getByRole('button', { name: /^Redact and save a new version/ }).click();
    await expect(modal.getByTestId('redact-done')).toContainText('scan (redacted).png', { timeout: 60_000 });
    await modal.getByRole('button', { name: 'Open the redacted version' }).click();
    await expect(drawer.getByTestId('redacted-versions')).toContainText('third-party-PII');
    // The saved PNG: black where the box was drawn over the band, the rest of the scan as it was.
    const saved = drawer.getByTestId('evidence-image');
    await expect(saved).toBeVisible({ timeout: 20_000 });
    await expect.poll(() => saved.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await saved.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([400, 600]);
    const [boxed, band, rest] = await imagePixels(saved, [
      [385, 300],
      [385, 20],
      [20, 300],
    ]);
    expect(Math.max(...(boxed ?? [255]))).toBeLessThan(40);
    expect(band?.[0]).toBeGreaterThan(180);
    expect(rest?.[1]).toBeGreaterThan(180);
  } finally {
    harness?.child.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
});
