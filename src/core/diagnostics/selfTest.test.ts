import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSelfTest } from './selfTest';

describe('runSelfTest', () => {
  it('passes every check on this machine with a writable data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-selftest-'));
    try {
      const checks = runSelfTest(dir);
      expect(checks.map((c) => c.id)).toEqual(['ed25519', 'x25519', 'chacha20-poly1305', 'aes-256-gcm', 'data-dir']);
      expect(checks.filter((c) => !c.ok)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing data folder as a failed check with a reason, without throwing', () => {
    const checks = runSelfTest(join(tmpdir(), 'custodian-does-not-exist', String(Date.now())));
    const dataDir = checks.find((c) => c.id === 'data-dir');
    expect(dataDir?.ok).toBe(false);
    expect(dataDir?.detail).toMatch(/ENOENT/);
  });
});
