import { copyFileSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { acknowledgeLogProblem } from '../../src/core/audit/acknowledgeLogProblem';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryLeaf } from '../../src/core/audit/auditLog';
import { VaultDatabase } from '../../src/core/db/database';
import { tamper as tamperWithVault } from '../support/forgeLog';
import type { WritableDb } from '../../src/core/db/database';
import { openVault } from '../../src/core/vault/openVault';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../support/tempVault';

// Someone holding the vault key (but no user's signing key) edits the audit log directly in
// SQL, after dropping the append-only triggers. `verifyLog` must notice every such change.

let temp: ReturnType<typeof tempDir>;
let dir: string;
let dataKey: Buffer;

beforeEach(async () => {
  temp = tempDir();
  const created = await makeVault(temp.dir);
  dir = created.dir;
  // A few transactions so the log has several entries and checkpoints.
  for (let i = 0; i < 4; i++) await created.session.record([{ action: 'test.event', target: `t${String(i)}`, reason: `step ${String(i)}` }]);
  dataKey = Buffer.from(created.session.dataKey);
  await created.session.lock();
});
afterEach(() => {
  temp.cleanup();
});

/** Edits vault.db with the data key, append-only triggers dropped (tests/support/forgeLog.ts). */
function tamper(work: (db: WritableDb) => void): Promise<void> {
  return tamperWithVault(dir, dataKey, work);
}

async function entryAt(seq: number) {
  const db = VaultDatabase.open(`${dir}/vault.db`, dataKey);
  try {
    return await db.read((r) => r.get<{ action: string; reason: string | null }>('SELECT action, reason FROM audit_log WHERE seq = ?', [seq]));
  } finally {
    await db.close();
  }
}

async function lastEntry() {
  const db = VaultDatabase.open(`${dir}/vault.db`, dataKey);
  try {
    return await db.read((r) => r.get<{ action: string }>('SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1'));
  } finally {
    await db.close();
  }
}

async function verification() {
  const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
  try {
    return await session.verifyLog();
  } finally {
    await session.lock();
  }
}

describe('audit log tamper evidence', () => {
  it('verifies an untouched log', async () => {
    const result = await verification();
    expect(result.ok).toBe(true);
    // vault.create's checkpoint holds the chain's first two enrolments (admin, recovery).
    expect(result.size).toBe(9);
    expect(result.checkpoints).toBe(5);
  });

  it('the triggers refuse UPDATE and DELETE while they exist', async () => {
    const db = VaultDatabase.open(`${dir}/vault.db`, dataKey);
    try {
      await expect(db.transaction((tx) => tx.run("UPDATE audit_log SET reason = 'x' WHERE seq = 1"))).rejects.toThrow(/append-only/);
      await expect(db.transaction((tx) => tx.run('DELETE FROM audit_log WHERE seq = 1'))).rejects.toThrow(/append-only/);
      await expect(db.transaction((tx) => tx.run('DELETE FROM checkpoints'))).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
  });

  it('detects an edited entry and names it', async () => {
    await tamper((db) => {
      db.run("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 4");
    });
    expect(await verification()).toMatchObject({ ok: false, problem: { seq: 4 } });
  });

  it('detects an edited entry whose stored leaf hash was recomputed too', async () => {
    await tamper((db) => {
      db.run("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
      const row = db.get<{
        seq: number;
        at: string;
        actor: string;
        action: string;
        target: string | null;
        before_hash: string | null;
        after_hash: string | null;
        reason: string | null;
      }>('SELECT * FROM audit_log WHERE seq = 3');
      if (!row) throw new Error('fixture');
      const leaf = entryLeaf({
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        action: row.action,
        target: row.target,
        before: row.before_hash,
        after: row.after_hash,
        reason: row.reason,
      });
      db.run('UPDATE audit_log SET leaf_hash = ? WHERE seq = 3', [leaf]);
    });
    const result = await verification();
    expect(result.ok).toBe(false);
    expect(result.problem?.reason).toMatch(/do not match their signed checkpoint/);
  });

  it('detects a deleted entry in the middle', async () => {
    await tamper((db) => {
      db.run('DELETE FROM audit_log WHERE seq = 2');
    });
    expect(await verification()).toMatchObject({ ok: false, problem: { seq: 2 } });
  });

  it('detects the last entries deleted together with their checkpoints (via log.head)', async () => {
    await tamper((db) => {
      db.run('DELETE FROM audit_log WHERE seq >= 8');
      db.run('DELETE FROM checkpoints WHERE size >= 9');
    });
    const result = await verification();
    expect(result.ok).toBe(false);
    expect(result.problem?.reason).toMatch(/truncated|rewritten/);
  });

  it('detects an inserted entry', async () => {
    await tamper((db) => {
      db.run(
        "INSERT INTO audit_log (seq, at, actor, action, target, reason, leaf_hash) VALUES (9, '2026-01-01T00:00:00.000Z', 'alice', 'evidence.delete', 'x', 'cover-up', zeroblob(32))",
      );
    });
    expect(await verification()).toMatchObject({ ok: false, problem: { seq: 9 } });
  });

  it('detects two entries reordered', async () => {
    await tamper((db) => {
      const rows = db.all<{ seq: number; action: string; target: string | null; reason: string | null }>(
        'SELECT seq, action, target, reason FROM audit_log WHERE seq IN (3, 4) ORDER BY seq',
      );
      const [a, b] = rows;
      if (!a || !b) throw new Error('fixture');
      db.run('UPDATE audit_log SET action = ?, target = ?, reason = ? WHERE seq = ?', [b.action, b.target, b.reason, a.seq]);
      db.run('UPDATE audit_log SET action = ?, target = ?, reason = ? WHERE seq = ?', [a.action, a.target, a.reason, b.seq]);
    });
    expect(await verification()).toMatchObject({ ok: false, problem: { seq: 3 } });
  });

  it('detects a checkpoint whose signature was zeroed', async () => {
    await tamper((db) => {
      db.run('UPDATE checkpoints SET signature = zeroblob(64) WHERE size = 7');
    });
    expect(await verification()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/invalid signature/) as unknown } });
  });

  it('detects a damaged or rolled-back log.head', async () => {
    const head = readFileSync(`${dir}/log.head`, 'utf8');
    // The note's second line is the tree size.
    writeFileSync(`${dir}/log.head`, head.replace(/\n9\n/, '\n99\n'));
    expect((await verification()).ok).toBe(false);
    rmSync(`${dir}/log.head`);
    expect(await verification()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/log.head is missing/) as unknown } });
  });

  it('a deleted log.head stays detected through ordinary use, until an administrator acknowledges it in the log', async () => {
    rmSync(`${dir}/log.head`);
    const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    try {
      await expect(session.record([{ action: 'test.ordinary', target: 'x' }])).rejects.toMatchObject({ code: 'log_tampered' });
      expect(await session.verifyLog()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/log.head is missing/) as unknown } });
      await expect(acknowledgeLogProblem(session, 'short')).rejects.toMatchObject({ code: 'validation_failed' });
      // One printable line: a newline would forge a line wherever the log is printed as text.
      await expect(acknowledgeLogProblem(session, 'restored from backup\nalice: log verified, all fine')).rejects.toMatchObject({ code: 'validation_failed' });
      expect(await acknowledgeLogProblem(session, 'deleted by the cleanup script; restored nothing, investigated')).toMatch(/log.head is missing/);
      const result = await session.verifyLog();
      expect(result).toMatchObject({ ok: true, size: 10 });
      await session.record([{ action: 'test.ordinary', target: 'x' }]);
    } finally {
      await session.lock();
    }
    const entry = await lastEntry();
    expect(entry).toMatchObject({ action: 'test.ordinary' });
    expect(await entryAt(9)).toMatchObject({
      action: 'log.acknowledge',
      reason: expect.stringMatching(/investigated \(problem: log.head is missing\)/) as unknown,
    });
  });

  it('vault.db replaced by a copy three entries older stays detected through four ordinary writes, until acknowledged', async () => {
    copyFileSync(`${dir}/vault.db`, `${dir}/../older.db`);
    const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    for (let i = 0; i < 3; i++) await session.record([{ action: 'test.more', target: `m${String(i)}` }]);
    await session.lock();
    copyFileSync(`${dir}/../older.db`, `${dir}/vault.db`);

    const again = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    try {
      for (let i = 0; i < 4; i++) {
        await expect(again.record([{ action: 'test.ordinary', target: `o${String(i)}` }])).rejects.toMatchObject({ code: 'log_tampered' });
      }
      expect(await again.verifyLog()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/truncated/) as unknown } });
      expect(await acknowledgeLogProblem(again, 'restored from an older copy by IT; three entries lost')).toMatch(/the log has 9 entries, its head says 12/);
      expect(await again.verifyLog()).toMatchObject({ ok: true, size: 10 });
    } finally {
      await again.lock();
    }
  });

  it('a head one checkpoint behind (a writer stopped between commit and log.head) is not tampering: the next write moves it on', async () => {
    const older = readFileSync(`${dir}/log.head`, 'utf8');
    const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    try {
      await session.record([{ action: 'test.committed', target: 'x' }]);
      writeFileSync(`${dir}/log.head`, older); // as if the process died before writing the head
      expect(await session.logIntegrity()).toMatchObject({ ok: true });
      await session.record([{ action: 'test.next', target: 'y' }]);
      expect(await session.verifyLog()).toMatchObject({ ok: true, size: 11 });
    } finally {
      await session.lock();
    }
    expect(readFileSync(`${dir}/log.head`, 'utf8')).toMatch(/^custodian\/vault\/\S+\n11\n/);
  });
});
