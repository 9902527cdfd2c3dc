import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reviewEvidenceBatch } from '../../src/core/compliance/reviewEvidence';
import { evidenceDetail } from '../../src/core/evidence/evidenceDetail';
import { queryEvidence } from '../../src/core/evidence/evidenceQuery';
import { addEvidence, deleteEvidence, getEvidenceMeta, readEvidence } from '../../src/core/evidence/evidenceStore';
import { blobPath } from '../../src/core/evidence/blobPath';
import { importFile } from '../../src/core/import/importFile';
import { findPerson } from '../../src/core/records/findPerson';
import { redactEvidence } from '../../src/core/redaction/redactEvidence';
import { addUser } from '../../src/core/users/userService';
import { openVault } from '../../src/core/vault/openVault';
import type { VaultSession } from '../../src/core/vault/vaultSession';
import { richPdf } from '../support/pdfFixtures';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../support/tempVault';

// Redaction inside the vault: the original stays encrypted and unchanged; the redacted version
// is a new encrypted file naming it, recorded and logged in one step; judged by poppler after a
// real decryption.

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir('custodian-redact-vault-');
});
afterEach(() => temp.cleanup());

async function decrypt(session: VaultSession, id: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await readEvidence(
    session,
    id,
    new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks);
}
function pdftotext(bytes: Buffer): string {
  const file = join(temp.dir, `t-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}

async function vaultWithSheet(): Promise<{ session: VaultSession; dir: string; originalId: string; original: Buffer }> {
  const { session, dir } = await makeVault(temp.dir);
  const roster = join(temp.dir, 'roster.csv');
  writeFileSync(roster, 'Employee ID,First Name,Last Name,Department,Job Title,Hire Date\nN-3003,Florence,Nightingale,ICU,Registered Nurse,2019-05-01\n');
  await importFile(session, roster);
  const original = Buffer.from(
    await richPdf([
      [
        { text: 'Hand hygiene sign-in', x: 72, y: 700 },
        { text: 'Florence Nightingale  SSN 321-54-9876', x: 72, y: 670 },
      ],
    ]),
  );
  const meta = await addEvidence(session, {
    source: Readable.from([original]),
    fileName: 'sign-in.pdf',
    mediaType: 'application/pdf',
    personId: await findPerson(session, 'N-3003'),
  });
  return { session, dir, originalId: meta.id, original };
}

describe('a redacted version of vault evidence', () => {
  it('is a new encrypted file naming its original, logged with its reasons; the original is unchanged', async () => {
    const { session, originalId, original } = await vaultWithSheet();
    try {
      const { evidence, report } = await redactEvidence(session, {
        evidenceId: originalId,
        boxes: [{ page: 1, x: 60, y: 690, width: 60, height: 30 }],
        pii: true,
        people: true,
        reasons: ['HIPAA-PHI', 'third-party-PII'],
        dpi: 100,
      });
      expect(evidence.fileName).toBe('sign-in (redacted).pdf');
      expect(report.pages[0]?.suggestions.map((s) => s.kind).sort()).toEqual(['person', 'ssn']);
      const redacted = await decrypt(session, evidence.id);
      expect(pdftotext(redacted).trim()).toBe('');
      // The original decrypts to the very bytes that were added.
      expect((await decrypt(session, originalId)).equals(original)).toBe(true);
      expect(pdftotext(original)).toContain('321-54-9876');

      const logged = await session.read((db) =>
        db.all<{ action: string; target: string; reason: string | null }>(
          "SELECT action, target, reason FROM audit_log WHERE action IN ('evidence.redact', 'evidence.decrypt') ORDER BY seq",
        ),
      );
      expect(logged[0]).toEqual({ action: 'evidence.decrypt', target: originalId, reason: 'redaction' });
      expect(logged).toContainEqual({ action: 'evidence.redact', target: originalId, reason: 'HIPAA-PHI, third-party-PII' });
      const row = await session.read((db) =>
        db.get<{ redacted_from: string; reasons: string; applied: string }>(
          'SELECT e.redacted_from, r.reasons, r.applied FROM evidence e JOIN evidence_redactions r ON r.evidence_id = e.id WHERE e.id = ?',
          [evidence.id],
        ),
      );
      expect(row?.redacted_from).toBe(originalId);
      expect(JSON.parse(row?.applied ?? '{}')).toEqual({ person: 1, ssn: 1 });
      // The matched text is the officer's to see, never the vault's to keep.
      expect(JSON.stringify(row)).not.toMatch(/Nightingale|321-54/);

      // Listed with its original, not as evidence of its own; not reviewable.
      const { rows } = await queryEvidence(session, { sort: 'addedAt', dir: 'asc', offset: 0, limit: 50 });
      expect(rows.map((r) => r.evidenceId)).toEqual([originalId]);
      const detail = await evidenceDetail(session, originalId);
      expect(detail.redactions).toMatchObject([{ evidenceId: evidence.id, reasons: ['HIPAA-PHI', 'third-party-PII'], pages: 1, boxes: 3 }]);
      await expect(reviewEvidenceBatch(session, [{ evidenceId: evidence.id, state: 'accepted', reason: null }])).rejects.toThrow(
        /redacted version: review its original/,
      );
    } finally {
      await session.lock();
    }
  });

  it('goes with its original when the original is deleted (crypto-shredded, both logged)', async () => {
    const { session, originalId } = await vaultWithSheet();
    try {
      const { evidence } = await redactEvidence(session, { evidenceId: originalId, boxes: [], pii: true, reasons: ['GDPR-minimisation'], dpi: 72 });
      const blob = await session.read((db) => db.get<{ blob_name: string }>('SELECT blob_name FROM evidence WHERE id = ?', [evidence.id]));
      const file = blobPath(session.paths.blobs, blob?.blob_name ?? '');
      expect(existsSync(file)).toBe(true);
      await deleteEvidence(session, originalId, 'erasure request 2026-12');
      await expect(getEvidenceMeta(session, evidence.id)).rejects.toMatchObject({ code: 'not_found' });
      expect(existsSync(file)).toBe(false);
      const deletes = await session.read((db) => db.all<{ target: string }>("SELECT target FROM audit_log WHERE action = 'evidence.delete' ORDER BY seq"));
      expect(deletes.map((d) => d.target)).toEqual([evidence.id, originalId]);
    } finally {
      await session.lock();
    }
  });

  it('refuses a missing reason, an auditor, and a cancelled run leaves no new file', async () => {
    const { session, dir, originalId } = await vaultWithSheet();
    await expect(redactEvidence(session, { evidenceId: originalId, boxes: [], reasons: [] })).rejects.toThrow(/Give a reason code/);
    await expect(redactEvidence(session, { evidenceId: originalId, boxes: [], reasons: ['no spaces'] })).rejects.toThrow(/not a reason code/);
    const controller = new AbortController();
    const reason = new Error('cancelled by the officer');
    await expect(
      redactEvidence(session, {
        evidenceId: originalId,
        boxes: [],
        reasons: ['HIPAA-PHI'],
        dpi: 72,
        signal: controller.signal,
        onProgress: () => controller.abort(reason),
      }),
    ).rejects.toBe(reason);
    const count = await session.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM evidence'));
    expect(count?.n).toBe(1);
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('auditor reads only redacted copies'), kdf: 'minimum' });
    await session.lock();
    const auditor = await openVault(dir, { user: 'audrey', passphrase: Buffer.from('auditor reads only redacted copies') });
    try {
      await expect(redactEvidence(auditor, { evidenceId: originalId, boxes: [], reasons: ['HIPAA-PHI'] })).rejects.toMatchObject({ code: 'permission_denied' });
    } finally {
      await auditor.lock();
    }
  });

  it("spills its work into the vault's folder (encrypted, on the vault's disk), and a crashed run's spill goes at the next unlock", async () => {
    const { session, dir, originalId } = await vaultWithSheet();
    const spills = () => readdirSync(dir).filter((name) => name.startsWith('custodian-spill-'));
    const seen: string[][] = [];
    await redactEvidence(session, {
      evidenceId: originalId,
      boxes: [],
      terms: ['Nightingale'],
      reasons: ['HIPAA-PHI'],
      dpi: 72,
      onProgress: () => seen.push(spills()),
    });
    // While it ran, its output was in a spill of this process's in the vault's folder; then gone.
    expect(seen.at(-1)).toEqual([expect.stringMatching(new RegExp(`^custodian-spill-${String(process.pid)}-`))]);
    expect(spills()).toEqual([]);
    // A process that died mid-redaction left its spill (unreadable: its key died with it).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(join(dir, `custodian-spill-${String(dead)}-Qw3rTy`));
    writeFileSync(join(dir, `custodian-spill-${String(dead)}-Qw3rTy`, 'spill.bin'), Buffer.alloc(4096, 7));
    await session.lock();
    const again = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    try {
      expect(spills()).toEqual([]);
      const sweeps = await again.read((db) => db.all<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'vault.sweep'"));
      expect(sweeps.map((s) => s.reason)).toEqual([expect.stringMatching(/removed 1 orphaned or temporary file/)]);
    } finally {
      await again.lock();
    }
  });
});
