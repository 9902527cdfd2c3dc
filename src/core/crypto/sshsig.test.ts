import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { publicKeyBase64 } from '../vault/keySlots';
import { parseSshsigArmor, sshFingerprint, sshPublicKeyLine, sshsigArmor, sshsigSignature, sshsigVerify } from './sshsig';

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

describe('parseSshsigArmor', () => {
  it('reads back what sshsigArmor writes, and what ssh-keygen -Y sign writes', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const publicKey = Buffer.from(publicKeyBase64(privateKey), 'base64');
    const signature = sshsigSignature(Buffer.from('message'), 'custodian-packet', privateKey);
    const parsed = parseSshsigArmor(sshsigArmor(publicKey, 'custodian-packet', signature));
    expect(parsed?.namespace).toBe('custodian-packet');
    expect(parsed?.publicKey.equals(publicKey)).toBe(true);
    expect(parsed?.signature.equals(signature)).toBe(true);

    const key = join(temp.dir, 'key');
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'judge', '-f', key]).status).toBe(0);
    writeFileSync(join(temp.dir, 'message'), 'message\n');
    expect(spawnSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', key, '-n', 'custodian-checkpoint', join(temp.dir, 'message')]).status).toBe(0);
    const signed = parseSshsigArmor(readFileSync(join(temp.dir, 'message.sig'), 'utf8'));
    const keyBlob = Buffer.from(readFileSync(`${key}.pub`, 'utf8').split(' ')[1] ?? '', 'base64');
    expect(signed?.namespace).toBe('custodian-checkpoint');
    expect(signed?.publicKey.equals(keyBlob.subarray(19))).toBe(true);
    expect(sshsigVerify(Buffer.from('message\n'), 'custodian-checkpoint', signed?.publicKey ?? Buffer.alloc(32), signed?.signature ?? Buffer.alloc(64))).toBe(
      true,
    );
  });

  it('refuses other framings, and no single changed byte yields a signature that still verifies', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const publicKey = Buffer.from(publicKeyBase64(privateKey), 'base64');
    const message = Buffer.from('message');
    const armor = sshsigArmor(publicKey, 'custodian-packet', sshsigSignature(message, 'custodian-packet', privateKey));
    expect(parseSshsigArmor(armor.replace(/\n-----END/, '\n\n-----END'))).toBeNull();
    expect(parseSshsigArmor(armor.replace(/\n/g, '\r\n'))).toBeNull();
    expect(parseSshsigArmor(armor.trimEnd())).toBeNull();
    // The base64 on one line (ssh-keygen wraps it at 70 columns): other bytes, refused.
    expect(armor.split('\n').length).toBeGreaterThan(4);
    expect(parseSshsigArmor(armor.replace(/([A-Za-z0-9+/=])\n(?=[A-Za-z0-9+/])/g, '$1'))).toBeNull();
    expect(parseSshsigArmor('')).toBeNull();
    // What a verifier for custodian-packet concludes: only the untouched armor is good.
    const good = (text: string): boolean => {
      const parsed = parseSshsigArmor(text);
      return parsed?.namespace === 'custodian-packet' && sshsigVerify(message, 'custodian-packet', parsed.publicKey, parsed.signature);
    };
    expect(good(armor)).toBe(true);
    for (let at = 0; at < armor.length; at++) {
      const tampered = armor.slice(0, at) + String.fromCharCode(armor.charCodeAt(at) ^ 1) + armor.slice(at + 1);
      expect(good(tampered), `byte ${String(at)}`).toBe(false);
    }
  });
});
