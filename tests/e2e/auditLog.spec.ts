import { execFileSync, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, saveScreenshot, startHarnessProcess, test, unlockPickedVault } from './fixtures';

// The app's full verification as a job: progress inside a blob, and cancel. The one evidence
// blob is swapped for a named pipe that this test feeds, so the verification sits mid-blob for
// exactly as long as the test wants: no race with a fast disk.

const PASSPHRASE = 'correct horse battery staple orbit';
const SIZE = 4 * 1024 * 1024;
let root: string | undefined;
let harness: { child: ChildProcess; url: string } | null = null;

test.afterEach(() => {
  harness?.child.kill('SIGTERM');
  harness = null;
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A CLI-made vault, opened in the app through the harness as alice, on the Audit log screen. */
async function openInApp(page: Page, vault: string) {
  harness = await startHarnessProcess(join(dirname(vault), 'app-data'), ['--pick-open', vault]);
  await unlockPickedVault(page, harness.url, 'Clinic', 'alice', PASSPHRASE);
  await page.getByRole('button', { name: 'Audit log' }).click();
}

function cli(args: string[]) {
  return spawnSync('bin/custodian', args, { env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE }, encoding: 'utf8' });
}

test('verification shows progress inside a blob and can be cancelled; cancelled decides nothing, a finished run checks the blob', async ({
  page,
}, testInfo) => {
  root = mkdtempSync(join(tmpdir(), 'custodian-e2e-verify-'));
  const vault = join(root, 'Clinic.custodian');
  const env = { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE };
  const init = spawnSync('bin/custodian', ['init', vault, '--user', 'alice', '--kdf', 'minimum'], { env });
  if (init.status !== 0) throw new Error(init.stderr.toString());
  writeFileSync(join(root, 'induction.mp4'), randomBytes(SIZE));
  const add = spawnSync('bin/custodian', ['evidence', 'add', vault, join(root, 'induction.mp4'), '--user', 'alice'], { env });
  if (add.status !== 0) throw new Error(add.stderr.toString());
  const blobs = readdirSync(join(vault, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  expect(blobs).toHaveLength(1);
  const blob = join(blobs[0]?.parentPath ?? '', blobs[0]?.name ?? '');
  const sealed = readFileSync(blob);
  rmSync(blob);
  execFileSync('mkfifo', [blob]);

  await openInApp(page, vault);

  await page.getByRole('button', { name: 'Verify the log' }).click();
  // Half the sealed blob: the verification decrypts and hashes it, then waits for the rest.
  const pipe = createWriteStream(blob);
  // Once the cancelled read returns, the reading end is closed: what is written after meets EPIPE.
  pipe.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  pipe.write(sealed.subarray(0, sealed.length / 2));
  const progress = page.getByTestId('verify-progress');
  await expect(progress).toContainText(/Evidence: 0 of 1 files, (1\.[5-9]|2\.0) of 4\.0 MiB decrypted and hashed/);
  await expect(page.getByRole('button', { name: 'Verify the log' })).toBeDisabled();
  await saveScreenshot(page, testInfo, 'verify-progress');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Cancel the verification' }).click();
  await expect(page.getByTestId('log-result')).toHaveText(/^Verification cancelled: nothing was decided/);
  await expect(progress).toBeHidden();
  // The cancelled job's read may still wait on the pipe (a read in flight is not interrupted, and
  // its file stays open until it returns): finish it, then put the genuine blob back.
  await new Promise<void>((resolve) => {
    pipe.once('close', resolve);
    pipe.end(sealed.subarray(sealed.length / 2));
  });
  rmSync(blob);
  writeFileSync(blob, sealed);

  await page.getByRole('button', { name: 'Verify the log' }).click();
  await expect(page.getByTestId('log-result')).toContainText(/1 evidence file decrypted and matched to its record/);
  await saveScreenshot(page, testInfo, 'verify-done');
});

test('a deleted log.head stays detected until an administrator acknowledges it in the app; the acknowledgement is in the log', async ({ page }, testInfo) => {
  root = mkdtempSync(join(tmpdir(), 'custodian-e2e-ack-'));
  const vault = join(root, 'Clinic.custodian');
  const init = cli(['init', vault, '--user', 'alice', '--kdf', 'minimum']);
  if (init.status !== 0) throw new Error(init.stderr);
  const intact = cli(['log', 'verify', vault, '--user', 'alice', '--json']);
  expect(intact.status).toBe(0);
  const beforeSize = (JSON.parse(intact.stdout) as { size: number }).size;
  rmSync(join(vault, 'log.head'));
  expect(cli(['log', 'verify', vault, '--user', 'alice']).status).toBe(4);

  await openInApp(page, vault);
  await page.getByRole('button', { name: 'Verify the log' }).click();
  await expect(page.getByTestId('log-result')).toContainText('log.head is missing');
  const reason = page.getByLabel('What was found and done');
  await reason.fill('too short');
  await expect(page.getByRole('button', { name: 'Acknowledge' })).toBeDisabled();
  await reason.fill('log.head deleted by a cleanup script on 6 Dec; vault otherwise untouched');
  await saveScreenshot(page, testInfo, 'log-acknowledge');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByTestId('acknowledged')).toHaveText(/^Acknowledged in the log: log.head is missing/);
  await expect(page.getByTestId('log-result')).toContainText(/^Intact/);
  await expect(page.getByLabel('What was found and done')).toBeHidden();
  await saveScreenshot(page, testInfo, 'log-acknowledged');

  // From outside: the log verifies again, and holds one more entry than before, the acknowledgement.
  await page.getByRole('button', { name: 'Lock' }).click();
  const after = cli(['log', 'verify', vault, '--user', 'alice', '--json']);
  expect(after.status).toBe(0);
  const afterSize = (JSON.parse(after.stdout) as { size: number }).size;
  expect(afterSize).toBe(beforeSize + 1);
});
