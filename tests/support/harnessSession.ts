import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

// "Start the harness on a vault, unlock it in Chromium": shared by the e2e specs that bring
// their own vault and by the benchmarks that measure the UI (which run outside the Playwright
// test runner, so nothing here may import @playwright/test).

export interface HarnessProcess {
  child: ChildProcess;
  /** With the token in its fragment: what a tester opens. */
  url: string;
  /** Stops the harness and waits for it to exit. */
  stop(): Promise<void>;
}

export interface VaultLogin {
  /** The name the unlock dialog shows: the vault folder's name without ".custodian". */
  name: string;
  user: string;
  passphrase: string;
}

/**
 * Starts the built harness (`out/harness/server.js`, from the repository root) on a free port
 * with the minimum KDF; `extraArgs` e.g. ['--pick-open', VAULT].
 * @throws when it has not printed its address within 10 s, or exits first.
 */
export function startHarnessProcess(dataDir: string, extraArgs: string[] = []): Promise<HarnessProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['out/harness/server.js', '--port', '0', '--data', dataDir, '--kdf', 'minimum', ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`harness did not start within 10 s:\n${output}`));
    }, 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Custodian harness listening: (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1],
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited with ${String(code)} (did you run npm run build?):\n${output}`));
    });
  });
}

/** Opens the harness page and unlocks the vault it was started with (`--pick-open`). */
export async function unlockVault(page: Page, url: string, login: VaultLogin): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Open a vault…' }).click();
  const dialog = page.getByRole('dialog', { name: `Unlock ${login.name}` });
  await dialog.getByLabel('User name').fill(login.user);
  await dialog.locator('input[type=password]').fill(login.passphrase);
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('vault-name').filter({ hasText: login.name }).waitFor({ timeout: 30_000 });
}

export interface VaultInChromium {
  browser: Browser;
  page: Page;
  harness: HarnessProcess;
  /** Closes the browser, then the harness. */
  close(): Promise<void>;
}

/**
 * A harness on `vault`, Debian's Chromium on its page (the e2e viewport, 1280x820), unlocked:
 * what a benchmark of a screen starts from.
 */
export async function openVaultInChromium(vault: string, login: VaultLogin, dataDir: string): Promise<VaultInChromium> {
  const harness = await startHarnessProcess(dataDir, ['--pick-open', vault]);
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    await unlockVault(page, harness.url, login);
    const opened = browser;
    return {
      browser: opened,
      page,
      harness,
      close: async () => {
        await opened.close();
        await harness.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await harness.stop();
    throw error;
  }
}
