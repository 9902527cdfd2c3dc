import { darkPixels, expect, expectNoAxeViolations, saveScreenshot, test } from './fixtures';

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
