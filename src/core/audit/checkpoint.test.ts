import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicKeyBase64 } from '../vault/keySlots';
import { checkpointNote, noteKeyId, noteSignatureLine, parseCheckpointNote, resolveCheckpointNote, signCheckpoint } from './checkpoint';

// The reference vector of golang.org/x/mod/sumdb/note (note_test.go), the implementation
// c2sp.org/signed-note was written from: a verifier key `name+keyid+base64(0x01 || public key)`,
// its signer key `PRIVATE+KEY+name+keyid+base64(0x01 || seed)`, a text and its signed note.
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNATURE_LINE = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

/** The key after `fields` plus-separated fields (base64 may itself contain '+'). */
function keyBytes(encoded: string, fields: number): Buffer {
  const bytes = Buffer.from(encoded.split('+').slice(fields).join('+'), 'base64');
  expect(bytes[0]).toBe(0x01); // the Ed25519 signature type
  return bytes.subarray(1);
}

describe('signed-note checkpoints', () => {
  it('computes key IDs and signature lines byte for byte as the Go reference vector', () => {
    const publicKey = keyBytes(VKEY, 2);
    const seed = keyBytes(SKEY, 4);
    expect(noteKeyId('PeterNeumann', publicKey).toString('hex')).toBe('c74f20a3');
    const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
    expect(noteSignatureLine('PeterNeumann', publicKey, sign(null, Buffer.from(TEXT), privateKey))).toBe(SIGNATURE_LINE);
  });

  it('writes a tlog-checkpoint note that parses back and verifies with the signing key only', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');
    const fields = {
      vaultId: '0b8c6a0e-2f55-4f7e-9a51-0d3f1c7e9a11',
      size: 42,
      root: Buffer.alloc(32, 7).toString('base64'),
      signer: 'Ada Lovelace',
      at: '2026-12-07T10:00:00.000Z',
    };
    const checkpoint = signCheckpoint(fields, privateKey, publicKeyBase64(privateKey));
    const note = checkpointNote(checkpoint);
    expect(note).toBe(
      `custodian/vault/${fields.vaultId}\n42\n${fields.root}\nsigner Ada Lovelace\ntime 2026-12-07T10:00:00.000Z\n\n\u2014 custodian/vault/${fields.vaultId} ${note.split(' ').pop() ?? ''}`,
    );
    const parsed = parseCheckpointNote(note);
    expect(parsed).toMatchObject(fields);
    if (!parsed) throw new Error('unparsed');
    expect(resolveCheckpointNote(parsed, [publicKeyBase64(other.privateKey)])).toBeNull();
    expect(resolveCheckpointNote(parsed, [publicKeyBase64(other.privateKey), checkpoint.publicKey])).toMatchObject({
      ...fields,
      signature: checkpoint.signature,
    });
    // Signer and time are signed: editing either breaks the signature, though the note still parses.
    for (const edited of [note.replace('signer Ada Lovelace', 'signer Mallory'), note.replace('T10:00', 'T09:00')]) {
      const again = parseCheckpointNote(edited);
      expect(again).not.toBeNull();
      expect(resolveCheckpointNote(again as NonNullable<typeof again>, [checkpoint.publicKey])).toBeNull();
    }
  });

  it('refuses notes that are not exactly a Custodian checkpoint', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const note = checkpointNote(
      signCheckpoint(
        { vaultId: '0b8c6a0e-2f55-4f7e-9a51-0d3f1c7e9a11', size: 1, root: Buffer.alloc(32).toString('base64'), signer: 'a', at: 't' },
        privateKey,
        publicKeyBase64(privateKey),
      ),
    );
    expect(parseCheckpointNote(note.replace('\n1\n', '\n01\n'))).toBeNull(); // leading zero
    expect(parseCheckpointNote(note.replace('signer a', 'signer a\u0007'))).toBeNull(); // control character
    expect(parseCheckpointNote(note.slice(0, -1))).toBeNull(); // no final newline
    expect(parseCheckpointNote(note.replace('\n\n', '\n'))).toBeNull(); // no blank line
    expect(parseCheckpointNote(`extra\n${note}`)).toBeNull();
  });
});
