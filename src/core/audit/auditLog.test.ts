import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import fc from 'fast-check';
import { canonicalJson } from '../crypto/canonicalJson';
import { entryLeaf } from './auditLog';
import { consistencyPath, inclusionPath, leafHash, rootOf, verifyConsistency, verifyInclusion } from './merkle';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('entryLeaf', () => {
  it('hashes exactly the canonical JSON of the entry (any strings, including escapes and astral characters)', () => {
    const text = fc.string({ unit: 'grapheme' });
    const maybe = fc.option(text, { nil: null });
    fc.assert(
      fc.property(
        fc.record({ seq: fc.nat(), at: text, actor: text, action: text, target: maybe, before: maybe, after: maybe, reason: maybe }),
        fc.string({ unit: 'binary' }),
        (entry, raw) => {
          const withControl = { ...entry, reason: raw };
          for (const e of [entry, withControl]) expect(entryLeaf(e).equals(leafHash(Buffer.from(canonicalJson(e))))).toBe(true);
        },
      ),
    );
  });
});

describe('appendAudit', () => {
  it('a failed change leaves none of the entries it logged behind', async () => {
    const { session } = await makeVault(temp.dir);
    const before = (await session.verifyLog()).size;
    await expect(
      session.mutateWithLog((_db, log) => {
        // Batches logged (and inserted), then a later batch fails.
        for (let i = 0; i < 10; i++) log(Array.from({ length: 2000 }, (_, j) => ({ action: 'record.import', target: `row-${String(i * 2000 + j)}` })));
        throw new Error('a batch failed');
      }),
    ).rejects.toThrow('a batch failed');
    await session.record([{ action: 'record.note', target: 'after' }]);
    const result = await session.verifyLog();
    expect(result).toMatchObject({ ok: true, size: before + 1 });
    await session.lock();
  });

  it('appends 12,000 events in one transaction (batched), and the log verifies', async () => {
    const { session } = await makeVault(temp.dir);
    const before = (await session.verifyLog()).size;
    const events = Array.from({ length: 12_000 }, (_, i) => ({ action: 'record.import', target: `row-${String(i)}`, after: String(i) }));
    await session.record(events);
    const result = await session.verifyLog();
    expect(result).toMatchObject({ ok: true, problem: null });
    expect(result.size).toBe(before + 12_000);
    const rows = await session.read((db) =>
      db.all<{ seq: number; target: string }>("SELECT seq, target FROM audit_log WHERE action = 'record.import' ORDER BY seq LIMIT 3"),
    );
    expect(rows).toEqual([
      { seq: before, target: 'row-0' },
      { seq: before + 1, target: 'row-1' },
      { seq: before + 2, target: 'row-2' },
    ]);
    await session.lock();
  });

  it('stores leaf hashes from which stored checkpoints yield valid inclusion and consistency proofs', async () => {
    const { session } = await makeVault(temp.dir);
    for (let i = 0; i < 5; i++) await session.record([{ action: 'test.step', target: String(i) }]);
    const leaves = (await session.read((db) => db.all<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM audit_log ORDER BY seq'))).map((r) => r.leaf_hash);
    const checkpoints = await session.read((db) => db.all<{ size: number; root: Buffer }>('SELECT size, root FROM checkpoints ORDER BY size'));
    const newest = checkpoints[checkpoints.length - 1];
    if (!newest) throw new Error('no checkpoint');
    expect(rootOf(leaves).equals(newest.root)).toBe(true);
    for (const [index, leaf] of leaves.entries()) expect(verifyInclusion(leaf, index, leaves.length, inclusionPath(leaves, index), newest.root)).toBe(true);
    for (const old of checkpoints) {
      expect(
        verifyConsistency(old.size, newest.size, old.root, newest.root, consistencyPath(leaves, old.size)),
        `${String(old.size)} -> ${String(newest.size)}`,
      ).toBe(true);
    }
    await session.lock();
  });
});
