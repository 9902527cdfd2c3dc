import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { publicKeyBase64 } from '../vault/keySlots';
import { sshFingerprint, sshPublicKeyLine, sshsigArmor, sshsigSignature, sshsigVerify } from './sshsig';

// The outside judge is OpenSSH's own `ssh-keygen -Y verify` (Debian's openssh-client).

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

function sshKeygenVerify(dir: string, message: Buffer, namespace: string): number {
  const result = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(dir, 'allowed_signers'), '-I', 'alice', '-n', namespace, '-s', join(dir, 'msg.sig')], {
    input: message,
  });
  return result.status ?? -1;
}

describe('SSHSIG', () => {
  it('writes signatures that ssh-keygen -Y verify accepts, and only for the signed bytes and namespace', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const publicKey = Buffer.from(publicKeyBase64(privateKey), 'base64');
    const message = Buffer.from('custodian/vault/x\n3\nroot\n');
    const signature = sshsigSignature(message, 'custodian-checkpoint', privateKey);
    writeFileSync(join(temp.dir, 'allowed_signers'), `alice namespaces="custodian-checkpoint" ${sshPublicKeyLine(publicKey)}\n`);
    writeFileSync(join(temp.dir, 'msg.sig'), sshsigArmor(publicKey, 'custodian-checkpoint', signature));
    expect(sshKeygenVerify(temp.dir, message, 'custodian-checkpoint')).toBe(0);
    expect(sshKeygenVerify(temp.dir, Buffer.from('custodian/vault/x\n4\nroot\n'), 'custodian-checkpoint')).not.toBe(0);
    expect(sshKeygenVerify(temp.dir, message, 'custodian-packet')).not.toBe(0);
    expect(sshsigVerify(message, 'custodian-checkpoint', publicKey, signature)).toBe(true);
    expect(sshsigVerify(message, 'custodian-packet', publicKey, signature)).toBe(false);
  });

  it('prints the fingerprint ssh-keygen -l prints for the same key', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const publicKey = Buffer.from(publicKeyBase64(privateKey), 'base64');
    writeFileSync(join(temp.dir, 'key.pub'), `${sshPublicKeyLine(publicKey)} alice\n`);
    const listed = execFileSync('ssh-keygen', ['-l', '-f', join(temp.dir, 'key.pub')], { encoding: 'utf8' });
    expect(listed.split(' ')[1]).toBe(sshFingerprint(publicKey));
  });
});
