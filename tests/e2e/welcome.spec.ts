import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { CHANNELS } from '../../src/shared/ipc/contract';
import { expect, saveScreenshot, test } from './fixtures';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const EXPECTED_API = CHANNELS.map((channel) => channel.slice('custodian:'.length)).sort();

test('opens on the welcome screen offering to create or open a vault', async ({ page, harness }, testInfo) => {
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Custodian' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Create a vault' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Open a vault' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create a vault…' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Open a vault…' })).toBeEnabled();
  // Both values come from core through the bridge.
  await expect(page.getByTestId('app-version')).toHaveText(`Custodian ${pkg.version} · offline`);
  await expect(page.getByTestId('environment-summary')).toHaveText('Environment check: all 5 passed.');
  await saveScreenshot(page, testInfo, 'welcome');
});

test('window.custodian has exactly the preload API and cannot be replaced', async ({ page, harness }) => {
  await page.goto(harness.url);
  await expect(page.getByTestId('app-version')).not.toBeEmpty();
  const shape = await page.evaluate(() => {
    const names: string[] = [];
    for (const [feature, group] of Object.entries(window.custodian)) {
      for (const [action, fn] of Object.entries(group as object)) {
        if (typeof fn === 'function') names.push(`${feature}.${action}`);
      }
    }
    return names.sort();
  });
  expect(shape).toEqual(EXPECTED_API);
  const replaced = await page.evaluate(() => {
    try {
      (window as unknown as Record<string, unknown>).custodian = {};
    } catch {
      /* strict-mode assignment to a read-only property throws; either way it must not change */
    }
    return Object.keys(window.custodian).sort();
  });
  expect(replaced).toEqual([...new Set(EXPECTED_API.map((name) => name.split('.')[0]))].sort());
  // Malformed input from the page is refused by core's contract, not crashed on.
  const refused = await page.evaluate(() => (window.custodian.app.info as (input: unknown) => Promise<unknown>)({ injected: '<script>' }));
  expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
});

test('the token leaves the address bar and no request leaves the loopback origin', async ({ page, harness }) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(harness.url);
  await expect(page.getByTestId('environment-summary')).toBeVisible();
  expect(page.url()).not.toContain('token');
  expect(requested.length).toBeGreaterThan(0);
  for (const url of requested) expect(url.startsWith(`${harness.origin}/`), url).toBe(true);
  // The CSP forbids connections to anywhere but the origin itself.
  const blocked = await page.evaluate(async () => {
    try {
      await fetch('http://127.0.0.2:9/');
      return false;
    } catch {
      return true;
    }
  });
  expect(blocked).toBe(true);
});

test('is usable from the keyboard', async ({ page, harness }) => {
  await page.goto(harness.url);
  await expect(page.getByTestId('environment-summary')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Create a vault…' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Open a vault…' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Open the demo vault' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Open a received packet…' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Details' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Ed25519 signatures: passed')).toBeVisible();
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Create a vault…' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Create a vault' })).toBeVisible();
  await expect(page.getByLabel('Vault name')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
});

test('has no accessibility violations', async ({ page, harness }) => {
  await page.goto(harness.url);
  await expect(page.getByTestId('environment-summary')).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
});
