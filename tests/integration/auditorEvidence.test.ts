import { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addEvidence, listEvidence, readEvidence } from '../../src/core/evidence/evidenceStore';
import { addUser } from '../../src/core/users/userService';
import { openVault } from '../../src/core/vault/openVault';
import { makeVault, tempDir } from '../support/tempVault';

// Auditors get evidence only as the packet and redaction features provide it: redacted. An
// auditor's session may list what evidence exists, but never decrypt an original file.

const AUDITOR_PASSPHRASE = 'auditor reads only redacted copies';
let temp: ReturnType<typeof tempDir>;

beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('evidence and the auditor role', () => {
  it('an auditor lists evidence but cannot decrypt an original certificate; a reviewer can', async () => {
    const { session, dir } = await makeVault(temp.dir);
    const meta = await addEvidence(session, { source: Readable.from([Buffer.from('certificate of Ada Lovelace')]), fileName: 'certificate.txt' });
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from(AUDITOR_PASSPHRASE), kdf: 'minimum' });
    await addUser(session, { name: 'rita', role: 'reviewer', passphrase: Buffer.from(`${AUDITOR_PASSPHRASE} too`), kdf: 'minimum' });
    await session.lock();

    const auditor = await openVault(dir, { user: 'audrey', passphrase: Buffer.from(AUDITOR_PASSPHRASE) });
    const received: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        callback();
      },
    });
    try {
      expect((await listEvidence(auditor)).map((e) => e.id)).toEqual([meta.id]);
      await expect(readEvidence(auditor, meta.id, sink)).rejects.toMatchObject({ code: 'permission_denied' });
      expect(received).toEqual([]);
    } finally {
      await auditor.lock();
    }
    const reviewer = await openVault(dir, { user: 'rita', passphrase: Buffer.from(`${AUDITOR_PASSPHRASE} too`) });
    try {
      await readEvidence(reviewer, meta.id, sink);
      expect(Buffer.concat(received).toString()).toBe('certificate of Ada Lovelace');
    } finally {
      await reviewer.lock();
    }
  });
});
