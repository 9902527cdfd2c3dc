import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { CHANNELS } from '../../src/shared/ipc/contract';
import { NO_ELECTRON_REASON, electronBinary } from './electronBinary';

const binary = electronBinary();
test.skip(!binary, NO_ELECTRON_REASON);

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const EXPECTED_API = CHANNELS.map((channel) => channel.slice('custodian:'.length)).sort();

let app: ElectronApplication;
let page: Page;
let userData: string;

test.beforeEach(async () => {
  userData = mkdtempSync(join(tmpdir(), 'custodian-electron-'));
  const args = ['.', `--user-data-dir=${userData}`];
  // Chromium refuses to start as root without this; the renderer sandbox stays on.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  app = await electron.launch({ executablePath: binary ?? undefined, args });
  page = await app.firstWindow();
});

test.afterEach(async () => {
  await app.close();
  rmSync(userData, { recursive: true, force: true });
});

test('opens on the welcome screen from app://custodian', async () => {
  expect(page.url()).toBe('app://custodian/index.html');
  await expect(page.getByRole('heading', { level: 1, name: 'Custodian' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create a vault…' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Open a vault…' })).toBeEnabled();
  await expect(page.getByTestId('app-version')).toHaveText(`Custodian ${pkg.version} · offline`);
  await expect(page.getByTestId('environment-summary')).toHaveText('Environment check: all 5 passed.');
  mkdirSync('tests/artifacts/screenshots', { recursive: true });
  await page.screenshot({ path: 'tests/artifacts/screenshots/electron-welcome.png' });
});

test('exposes only the contract API, and no Node or Electron', async () => {
  const exposed = await page.evaluate(() => {
    const names: string[] = [];
    for (const [feature, group] of Object.entries(window.custodian)) {
      for (const [action, fn] of Object.entries(group as object)) {
        if (typeof fn === 'function') names.push(`${feature}.${action}`);
      }
    }
    const globals = window as unknown as Record<string, unknown>;
    return {
      names: names.sort(),
      require: typeof globals.require,
      process: typeof globals.process,
      ipcRenderer: typeof globals.ipcRenderer,
    };
  });
  expect(exposed).toEqual({ names: EXPECTED_API, require: 'undefined', process: 'undefined', ipcRenderer: 'undefined' });
});

test('blocks navigation, new windows and the network', async () => {
  const fetched = await page.evaluate(async () => {
    try {
      await fetch('https://example.com/');
      return 'reached';
    } catch {
      return 'blocked';
    }
  });
  expect(fetched).toBe('blocked');

  await page.evaluate(() => {
    window.open('https://example.com/');
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(app.windows()).toHaveLength(1);
  expect(page.url()).toBe('app://custodian/index.html');
});

/** Creates a vault through the UI, with the OS folder picker (which a test cannot click) stubbed in main. */
async function createVaultThroughUi(name: string, parent: string): Promise<void> {
  await app.evaluate(({ dialog }, folder) => {
    dialog.showOpenDialog = () => Promise.resolve({ canceled: false, filePaths: [folder] });
  }, parent);
  await page.getByRole('button', { name: 'Create a vault…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a vault' });
  await dialog.getByLabel('Vault name').fill(name);
  await dialog.getByRole('button', { name: 'Choose folder…' }).click();
  await dialog.getByLabel('Your user name').fill('alice');
  await dialog.locator('input[type=password]').first().fill('correct horse battery staple orbit');
  await dialog.locator('input[type=password]').nth(1).fill('correct horse battery staple orbit');
  await dialog.getByRole('button', { name: 'Create vault' }).click();
  const groups = (await page.getByTestId('recovery-key').textContent())?.split(' ') ?? [];
  await page.getByLabel('I have written down or printed the recovery key').check();
  await page.getByLabel('To confirm, type the last group of the key').fill(groups[groups.length - 1] ?? '');
  await page.getByRole('button', { name: 'Continue to the vault' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText(name);
}

test('creates a vault through the native dialog (stubbed) and locks it', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'custodian-electron-vaults-'));
  try {
    await createVaultThroughUi('Electron', parent);
    await page.getByRole('button', { name: 'Lock' }).click();
    await expect(page.getByRole('button', { name: 'Unlock Electron' })).toBeVisible();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('locks the vault when the OS locks the screen', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'custodian-electron-vaults-'));
  try {
    await createVaultThroughUi('Screen', parent);
    // What Electron emits when the user locks the session.
    await app.evaluate(({ powerMonitor }) => powerMonitor.emit('lock-screen'));
    await expect(page.getByRole('button', { name: 'Unlock Screen' })).toBeVisible({ timeout: 10_000 });
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('opens the demo vault on the readiness dashboard, charts drawn under the app CSP', async () => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') violations.push(message.text());
  });
  await page.getByRole('button', { name: 'Open the demo vault' }).click();
  await expect(page.getByRole('heading', { name: 'Audit readiness' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('score-value').first()).toHaveText(/^\d{1,3}(\.\d)?$/);
  await expect(page.getByTestId('components-chart').locator('svg .recharts-bar-rectangle').first()).toBeVisible();
  await page.screenshot({ path: 'tests/artifacts/screenshots/electron-dashboard.png', fullPage: true });
  expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
});
