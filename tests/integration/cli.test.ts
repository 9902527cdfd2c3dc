import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Runs the real `bin/custodian` over the built CLI (npm test builds before running vitest).

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

function custodian(...args: string[]) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/custodian', () => {
  it('is built (run `npm run build` first)', () => {
    expect(existsSync('out/cli/custodian.js')).toBe(true);
  });

  it('--version prints the package version and exits 0', () => {
    expect(custodian('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists the commands and exits 0', () => {
    const { code, stdout, stderr } = custodian('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: custodian/);
    expect(stdout).toContain('selftest');
    expect(stderr).toBe('');
  });

  it.each([
    [['frobnicate'], /^custodian: unknown command 'frobnicate'\n$/],
    [['--bogus'], /^custodian: unknown option '--bogus'\n$/],
    [[], /^custodian: no command given; see `custodian --help`\n$/],
    [['selftest', 'extra'], /^custodian: too many arguments/],
  ])('%j exits non-zero with one line on stderr', (args, line) => {
    const { code, stderr } = custodian(...args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(line);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('selftest --json reports every check passing', () => {
    const { code, stdout } = custodian('selftest', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; checks: { id: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThanOrEqual(5);
  });
});
