import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// `custodian demo` as a newcomer or a benchmark script runs it: real bin, real vault, --json.

const PASSPHRASE = 'correct horse battery staple orbit';
const temp = tempDir('custodian-demo-cli-');

function custodian(args: string[], env: Record<string, string> = { CUSTODIAN_PASSPHRASE: PASSPHRASE }) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, CUSTODIAN_PASSPHRASE: '', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => {
  temp.cleanup();
});

interface DemoJson {
  vault: string;
  created: boolean;
  vaultId: string;
  recoveryKey: string;
  people: number;
  completions: number;
  certifications: number;
  orgUnits: number;
  evidence: { certificates: number; signInSheets: number; scans: number; links: number };
  lmsReports: { reports: number; links: number };
  seconds: number;
}

describe('custodian demo', () => {
  const vault = join(temp.dir, 'hospital.custodian');

  it('creates the vault, fills it, prints the counts and the recovery key as JSON; stats agree', () => {
    const result = custodian(['demo', vault, '--people', '120', '--seed', '5', '--kdf', 'minimum', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const demo = JSON.parse(result.stdout) as DemoJson;
    expect(demo).toMatchObject({ vault, created: true, people: 120, orgUnits: 14, evidence: { certificates: 3, signInSheets: 1, scans: 2 } });
    expect(demo.recoveryKey).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){10}$/);
    expect(demo.completions).toBeGreaterThan(1000);

    const stats = custodian(['stats', vault, '--json']);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      people: 120,
      orgUnits: 14,
      courses: 12,
      completions: demo.completions,
      certifications: demo.certifications,
      evidence: 6 + demo.lmsReports.reports,
      users: 1,
      imports: 0,
      supersededVersions: 0,
    });
    expect(demo.lmsReports.reports).toBeGreaterThan(0);
    expect(custodian(['log', 'verify', vault]).code).toBe(0);
  });

  it('refuses, with one line, to fill a vault that already holds people', () => {
    const result = custodian(['demo', vault, '--people', '10', '--kdf', 'minimum']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('custodian: This vault already holds 120 person record(s); demo data only goes into an empty vault. Use a new folder.\n');
  });

  it('fills an existing empty vault as its administrator, reading the passphrase from a file', () => {
    const empty = join(temp.dir, 'empty.custodian');
    expect(custodian(['init', empty, '--user', 'alice', '--kdf', 'minimum']).code).toBe(0);
    mkdirSync(join(temp.dir, 'secrets'));
    const file = join(temp.dir, 'secrets', 'passphrase');
    writeFileSync(file, `${PASSPHRASE}\n`);
    const result = custodian(['demo', empty, '--people', '40', '--years', '2', '--passphrase-file', file], {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Demo organisation, seed 1: 2 year\(s\) of history/);
    expect(result.stdout).toMatch(/people +40 \(/);
    expect(result.stdout).not.toContain('Recovery key');
  });

  it('prints the recovery key once for a vault it creates', () => {
    const result = custodian(['demo', join(temp.dir, 'small.custodian'), '--people', '30', '--kdf', 'minimum']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Vault created: .*small\.custodian .*administrator admin\.\nRecovery key \(shown once/);
    expect(result.stdout).toMatch(/evidence +3 documents: 1 certificates, 1 sign-in sheets, 1 scans/);
  });

  it('rejects bad numbers with exit 2 and one line, before creating anything', () => {
    for (const args of [
      ['--people', 'many'],
      ['--people', '0'],
      ['--years', '11'],
      ['--seed', '-1'],
    ]) {
      const result = custodian(['demo', join(temp.dir, 'never.custodian'), ...args, '--kdf', 'minimum']);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(existsSync(join(temp.dir, 'never.custodian'))).toBe(false);
  });
});
