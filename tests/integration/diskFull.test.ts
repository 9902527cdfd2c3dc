import { spawnSync } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// A full disk, for real: the vault lives on a 24 MiB tmpfs. An all-or-nothing import that runs
// out of room stores nothing and leaves a log that verifies; while the disk stays full, the
// read-only commands still work and a logged one is refused in plain words. Mounting needs root
// (CI runs as root); elsewhere the suite is skipped and says why.

const PASSPHRASE = 'a full disk must not half commit';
const temp = tempDir();
const mount = join(temp.dir, 'small');
mkdirSync(mount);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]).status === 0;
if (!mounted && process.env.CI) throw new Error('CI must run the full-disk test, but could not mount a tmpfs (run as root)');
afterAll(() => {
  if (mounted) spawnSync('umount', [mount]);
  temp.cleanup();
});

function custodian(...args: string[]) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!mounted)(`a full disk${mounted ? '' : ' (skipped: mounting a tmpfs needs root)'}`, () => {
  const vault = join(mount, 'small.custodian');
  const roster = join(temp.dir, 'roster.csv');
  const completions = join(temp.dir, 'completions.csv');

  beforeAll(() => {
    const people = Array.from({ length: 2000 }, (_, i) => `E${String(i)},Given${String(i)},Family${String(i)}`);
    writeFileSync(roster, `Employee ID,First Name,Last Name\n${people.join('\n')}\n`);
    const rows: string[] = [];
    for (let i = 0; i < 150_000; i++) {
      // Each person's rows fall on different days: no duplicate (person, course, date).
      const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 2000) * 86_400_000).toISOString().slice(0, 10);
      rows.push(`E${String(i % 2000)},C${String(i % 40)},Course ${String(i % 40)},${day},${String(50 + (i % 50))},Passed`);
    }
    writeFileSync(completions, `Employee ID,Course Code,Course Title,Completion Date,Score,Result\n${rows.join('\n')}\n`);
  });

  it('an import that runs out of room stores nothing, says so in one line, and the log still verifies', () => {
    expect(custodian('init', vault, '--user', 'alice', '--kdf', 'minimum').code).toBe(0);
    expect(custodian('import', vault, roster).code).toBe(0);
    const imported = custodian('import', vault, completions);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toBe('custodian: The disk holding the vault is full: nothing was written. Free some space and try again.\n');
    expect(JSON.parse(custodian('stats', vault, '--json').stdout)).toMatchObject({ people: 2000, completions: 0, imports: 1 });
    expect(custodian('log', 'verify', vault)).toMatchObject({ code: 0 });
  });

  it('while the disk stays full, stats and log verify work; a logged command is refused as disk full', () => {
    const filler = openSync(join(mount, 'filler'), 'w');
    const block = Buffer.alloc(1024 * 1024);
    try {
      for (;;) writeSync(filler, block);
    } catch {
      // ENOSPC: the disk is full now
    } finally {
      closeSync(filler);
    }
    const small = Buffer.alloc(1);
    const last = openSync(join(mount, 'crumbs'), 'w');
    try {
      for (;;) writeSync(last, small);
    } catch {
      // not a byte left
    } finally {
      closeSync(last);
    }
    expect(custodian('stats', vault, '--json')).toMatchObject({ code: 0, stderr: '' });
    expect(custodian('log', 'verify', vault)).toMatchObject({ code: 0, stderr: '' });
    const exported = custodian('recovery', 'export-key', vault);
    expect(exported).toMatchObject({ code: 1, stdout: '' });
    expect(exported.stderr).toMatch(/^custodian: The disk holding the vault is full/);
  });
});
