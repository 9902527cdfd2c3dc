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
let window: Page;
let userData: string;

test.beforeEach(async () => {
  userData = mkdtempSync(join(tmpdir(), 'custodian-electron-'));
  const args = ['.', `--user-data-dir=${userData}`];
  // Chromium refuses to start as root without this; the renderer sandbox stays on.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  app = await electron.launch({ executablePath: binary ?? undefined, args });
  window = await app.firstWindow();
});

test.afterEach(async () => {
  await app.close();
  rmSync(userData, { recursive: true, force: true });
});

test('opens on the welcome screen from app://custodian', async () => {
  expect(window.url()).toBe('app://custodian/index.html');
  await expect(window.getByRole('heading', { level: 1, name: 'Custodian' })).toBeVisible();
  await expect(window.getByRole('button', { name: 'Create a vault…' })).toBeEnabled();
  await expect(window.getByRole('button', { name: 'Open a vault…' })).toBeEnabled();
  await expect(window.getByTestId('app-version')).toHaveText(`Custodian ${pkg.version} · offline`);
  await expect(window.getByTestId('environment-summary')).toHaveText('Environment check: all 5 passed.');
  mkdirSync('tests/artifacts/screenshots', { recursive: true });
  await window.screenshot({ path: 'tests/artifacts/screenshots/electron-welcome.png' });
});

test('exposes only the contract API, and no Node or Electron', async () => {
  const exposed = await window.evaluate(() => {
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

test('runs sandboxed with context isolation, and blocks navigation, new windows and the network', async () => {
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]?.webContents;
    // getLastWebPreferences is Electron API; its shape is what we configured.
    const last = contents?.getLastWebPreferences();
    return last
      ? { sandbox: last.sandbox, contextIsolation: last.contextIsolation, nodeIntegration: last.nodeIntegration, webviewTag: last.webviewTag }
      : null;
  });
  expect(prefs).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });

  const fetched = await window.evaluate(async () => {
    try {
      await fetch('https://example.com/');
      return 'reached';
    } catch {
      return 'blocked';
    }
  });
  expect(fetched).toBe('blocked');

  await window.evaluate(() => {
    window.open('https://example.com/');
    window.location.href = 'https://example.com/';
  });
  await window.waitForTimeout(500);
  expect(app.windows()).toHaveLength(1);
  expect(window.url()).toBe('app://custodian/index.html');
});
