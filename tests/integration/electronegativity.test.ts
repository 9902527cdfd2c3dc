import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The security gate of `npm test` must be able to fail: run it on a deliberately insecure
// fixture and on our own source.
function scan(dir: string) {
  const result = spawnSync(process.execPath, ['scripts/electronegativity.mjs', dir], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

describe('scripts/electronegativity.mjs', () => {
  it('fails on an insecure BrowserWindow', () => {
    const { code, output } = scan('tests/lint/fixtures/insecure-main');
    expect(code).toBe(1);
    expect(output).toMatch(/HIGH\s+CONTEXT_ISOLATION_JS_CHECK/);
    expect(output).toContain('FAILED');
  });

  it('passes on src with no HIGH finding', () => {
    const { code, output } = scan('src');
    expect(output).toContain('no HIGH findings');
    expect(output).not.toMatch(/^\s+HIGH /m);
    expect(code).toBe(0);
  });
});
