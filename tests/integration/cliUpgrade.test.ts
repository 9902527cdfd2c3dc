import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/core/db/migrations/migrate';
import { LEGACY_PASSPHRASE, paddedLegacyVault } from '../support/legacyVault';
import { tempDir } from '../support/tempVault';

// The CLI's first unlock of a vault from an older version: on a terminal a line per upgrade
// step (the step can take minutes); to a script, nothing on stderr. The terminal is a real
// pseudo-terminal, from util-linux's `script` (Debian's bsdutils, always installed).

const CLI = join(import.meta.dirname, '../../bin/custodian');
const temp = tempDir('custodian-cli-upgrade-');
afterAll(() => temp.cleanup());

describe('custodian on a vault from an older version', () => {
  it('prints each upgrade step on a terminal, and nothing to a script', async () => {
    const onTerminal = join(temp.dir, 'terminal.custodian');
    const toScript = join(temp.dir, 'script.custodian');
    await paddedLegacyVault(onTerminal, 10);
    await paddedLegacyVault(toScript, 10);
    const env = { ...process.env, CUSTODIAN_PASSPHRASE: LEGACY_PASSPHRASE };
    const terminal = spawnSync('script', ['-qec', `${CLI} stats '${onTerminal}'`, '/dev/null'], { env, encoding: 'utf8' });
    expect(terminal.status).toBe(0);
    const steps = (SCHEMA_VERSION - 70) / 10;
    expect(terminal.stdout).toContain(
      `Upgrading the vault's database (schema 70 to ${String(SCHEMA_VERSION)}): step 1 of ${String(steps)}, compact completions…`,
    );
    expect(terminal.stdout).toContain(`step ${String(steps)} of ${String(steps)},`);
    const piped = spawnSync(CLI, ['stats', toScript], { env, encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
    // The second unlock has nothing to upgrade: no line, even on a terminal.
    const again = spawnSync('script', ['-qec', `${CLI} stats '${onTerminal}'`, '/dev/null'], { env, encoding: 'utf8' });
    expect(again.stdout).not.toContain('Upgrading');
  });
});
