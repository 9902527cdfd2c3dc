import { expect, saveScreenshot, test } from './fixtures';

test('a newcomer opens the demo vault from the welcome screen', async ({ page, harness }, testInfo) => {
  test.setTimeout(90_000);
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Open the demo vault' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('Riverside Demo', { timeout: 60_000 });
  await expect(page.getByTestId('vault-user')).toHaveText('demo-officer');
  await expect(page.getByRole('heading', { name: 'Audit readiness' })).toBeVisible();
  await page.getByRole('button', { name: 'People', exact: true }).click();
  await expect(page.getByTestId('people-total')).not.toHaveText('0');
  const table = page.getByRole('table', { name: 'People' });
  await expect(table.locator('[aria-rowindex="2"]')).toBeVisible();
  await saveScreenshot(page, testInfo, 'demo-people');
  await page.getByRole('button', { name: 'Completions' }).click();
  await expect(page.getByTestId('completions-total')).not.toHaveText('0');
  await page.getByRole('table', { name: 'Completions' }).locator('[aria-rowindex="2"]').click();
  await expect(page.getByRole('dialog')).toContainText('Training history');
  await page.waitForTimeout(400); // let the drawer finish sliding in, for the picture only
  await saveScreenshot(page, testInfo, 'demo-person');
  // Locked and reopened: the second time it just unlocks.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Lock' }).click();
  await page.getByRole('button', { name: 'Open the demo vault' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('Riverside Demo');
});
