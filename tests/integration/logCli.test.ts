import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// `log fingerprint`, `log checkpoint` and `log verify --trusted/--since` through the real
// bin/custodian (built by `npm run build`), with OpenSSH's ssh-keygen as the outside judge of
// the checkpoint's SSHSIG. What each command prints is the file the next one reads.

const PASSPHRASE = 'anchors kept outside the vault 42';
const temp = tempDir();
afterAll(() => {
  temp.cleanup();
});

function custodian(args: string[], passphrase = PASSPHRASE) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CUSTODIAN_PASSPHRASE: passphrase } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('custodian log: anchors an officer keeps', () => {
  const vault = join(temp.dir, 'acme.custodian');

  it('init prints the genesis fingerprint that log fingerprint prints later', () => {
    const init = custodian(['init', vault, '--user', 'Ada Lovelace', '--kdf', 'minimum']);
    expect(init.code).toBe(0);
    const fingerprint = /Genesis key fingerprint[^\n]*\n {2}(SHA256:\S+)/.exec(init.stdout)?.[1];
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const printed = custodian(['log', 'fingerprint', vault]);
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toContain(`# ${String(fingerprint)}\n`);
    expect(printed.stdout).toMatch(/^Ada_Lovelace namespaces="custodian-checkpoint,custodian-packet,custodian-genesis" ssh-ed25519 AAAA\S+$/m);
    // A bare fingerprint is a valid --trusted file too.
    expect(custodian(['log', 'verify', vault, '--trusted', file('fp.txt', `${String(fingerprint)}\n`)]).code).toBe(0);
  });

  it('log verify says plainly when it checked internal consistency only', () => {
    const result = custodian(['log', 'verify', vault]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^internal consistency only/m);
    expect(result.stdout).not.toMatch(/^anchored/m);
  });

  it('log checkpoint prints a signed note that ssh-keygen -Y verify accepts with its SSHSIG', () => {
    const allowed = file('allowed_signers', custodian(['log', 'fingerprint', vault, '--all']).stdout);
    const sig = join(temp.dir, 'checkpoint.txt.sig');
    const printed = custodian(['log', 'checkpoint', vault, '--sig', sig]);
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    const checkpoint = file('checkpoint.txt', printed.stdout);
    const verify = (input: string) =>
      spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'Ada_Lovelace', '-n', 'custodian-checkpoint', '-s', sig], { input, encoding: 'utf8' })
        .status;
    expect(verify(readFileSync(checkpoint, 'utf8'))).toBe(0);
    expect(verify(readFileSync(checkpoint, 'utf8').replace('signer Ada Lovelace', 'signer Mallory'))).not.toBe(0);
    // --sig never overwrites a file.
    const again = custodian(['log', 'checkpoint', vault, '--sig', sig]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toMatch(/it exists/);
  });

  it('a kept fingerprint and checkpoint anchor a later verify; a rollback is caught and exits 4', () => {
    const trusted = file('trusted', custodian(['log', 'fingerprint', vault]).stdout);
    copyFileSync(join(vault, 'vault.db'), join(temp.dir, 'old.db'));
    copyFileSync(join(vault, 'log.head'), join(temp.dir, 'old.head'));
    const bobPassphrase = file('bob.pass', 'ledger umbrella quantum marigold\n');
    expect(custodian(['user', 'add', vault, '--name', 'bob', '--role', 'officer', '--new-passphrase-file', bobPassphrase, '--kdf', 'minimum']).code).toBe(0);
    const kept = file('kept.txt', custodian(['log', 'checkpoint', vault]).stdout);

    const anchored = custodian(['log', 'verify', vault, '--trusted', trusted, '--since', kept]);
    expect(anchored).toMatchObject({ code: 0, stderr: '' });
    expect(anchored.stdout).toMatch(/^anchored: the genesis key is one you trust/m);
    expect(anchored.stdout).toMatch(/^anchored: the log extends the checkpoint you kept/m);

    copyFileSync(join(temp.dir, 'old.db'), join(vault, 'vault.db'));
    copyFileSync(join(temp.dir, 'old.head'), join(vault, 'log.head'));
    expect(custodian(['log', 'verify', vault, '--trusted', trusted]).code).toBe(0);
    const caught = custodian(['log', 'verify', vault, '--since', kept]);
    expect(caught.code).toBe(4);
    expect(caught.stderr).toMatch(/rolled back or truncated/);
    expect(caught.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses anchor files that are not anchors, naming the problem', () => {
    expect(custodian(['log', 'verify', vault, '--trusted', file('bad', 'hello\n')]).stderr).toMatch(/Line 1 of the trusted-keys file/);
    expect(custodian(['log', 'verify', vault, '--since', file('bad2', 'hello\n')]).stderr).toMatch(/is not a checkpoint printed by/);
    expect(custodian(['log', 'verify', vault, '--since', join(temp.dir, 'absent')]).stderr).toMatch(/Cannot read the --since file/);
  });
});
