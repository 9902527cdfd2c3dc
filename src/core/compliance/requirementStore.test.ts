import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import type { VaultSession } from '../vault/vaultSession';
import { localToday } from './calendarDate';
import { currentRequirements, disableFramework, enableFramework, saveRequirement, withdrawnRequirements, withdrawRequirement } from './requirementStore';

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
beforeEach(async () => {
  temp = tempDir();
  ({ session } = await makeVault(temp.dir));
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

const effectiveDates = (frameworkId: string) =>
  session.read((db) => currentRequirements(db, frameworkId).map((r) => [r.requirementId, r.rule.effectiveFrom, r.version] as const));

describe('effective dates', () => {
  it('a pack is in force from the day it is enabled, or the day stated; enabling it again keeps the date', async () => {
    await enableFramework(session, 'hipaa');
    const first = await effectiveDates('hipaa');
    expect(first.length).toBeGreaterThan(0);
    for (const [, from, version] of first) expect([from, version]).toEqual([localToday(), 1]);
    // Enabled again (as a pack upgrade would be): unchanged, no new version.
    await enableFramework(session, 'hipaa');
    expect(await effectiveDates('hipaa')).toEqual(first);
    // A stated date is a new, logged version of each requirement.
    await enableFramework(session, 'hipaa', { effectiveFrom: '2024-07-01' });
    for (const [, from, version] of await effectiveDates('hipaa')) expect([from, version]).toEqual(['2024-07-01', 2]);
    await expect(enableFramework(session, 'hipaa', { effectiveFrom: '2024-02-30' })).rejects.toMatchObject({ code: 'validation_failed' });
    // Disabled and enabled again without a date: the date stays (moving it would clear every gap before it).
    await disableFramework(session, 'hipaa', 'audit scope under review this quarter');
    await enableFramework(session, 'hipaa');
    for (const [, from, version] of await effectiveDates('hipaa')) expect([from, version]).toEqual(['2024-07-01', 2]);
  });

  it('a stated date applies to an adapted pack requirement too; without one, the adaptation keeps its own', async () => {
    await enableFramework(session, 'osha-bbp', { effectiveFrom: '2022-01-01' });
    const [pack] = await session.read((db) => currentRequirements(db, 'osha-bbp'));
    if (!pack) throw new Error('no OSHA requirement');
    await saveRequirement(session, {
      id: pack.requirementId,
      title: pack.title,
      rule: { ...pack.rule, appliesTo: { units: ['Laboratory'], roles: [], sites: [] } },
      reason: 'exposure control plan: laboratory only',
    });
    await enableFramework(session, 'osha-bbp');
    expect(await effectiveDates('osha-bbp')).toEqual([[pack.requirementId, '2022-01-01', 2]]);
    await enableFramework(session, 'osha-bbp', { effectiveFrom: '2023-06-01' });
    const [adapted] = await session.read((db) => currentRequirements(db, 'osha-bbp'));
    expect(adapted).toMatchObject({ origin: 'adapted', version: 3, rule: { effectiveFrom: '2023-06-01', appliesTo: { units: ['Laboratory'] } } });
  });

  it("an officer's own requirement is in force from the day it is added unless stated; a change keeps the date", async () => {
    const own = await saveRequirement(session, { id: 'site.fire', title: 'Fire safety', rule: { courses: { codes: ['FIRE'] }, recurrenceMonths: 12 } });
    expect(own.rule.effectiveFrom).toBe(localToday());
    const changed = await saveRequirement(session, {
      id: 'site.fire',
      title: 'Fire safety',
      rule: { courses: { codes: ['FIRE'] }, recurrenceMonths: 24 },
    });
    expect(changed).toMatchObject({ version: 2, rule: { effectiveFrom: localToday(), recurrenceMonths: 24 } });
    const stated = await saveRequirement(session, {
      id: 'site.fire',
      title: 'Fire safety',
      rule: { courses: { codes: ['FIRE'] }, recurrenceMonths: 24, effectiveFrom: '2023-01-01' },
    });
    expect(stated).toMatchObject({ version: 3, rule: { effectiveFrom: '2023-01-01' } });
    await expect(
      saveRequirement(session, {
        id: 'site.fire',
        title: 'Fire safety',
        rule: { courses: { codes: ['FIRE'] }, recurrenceMonths: 24, effectiveFrom: '2023-02-29' },
      }),
    ).rejects.toThrow(/day of the calendar/);
  });
});

describe('withdrawing a requirement', () => {
  it('asks why, logs it, stops counting it, survives the pack being enabled again, and saving it restores it', async () => {
    await enableFramework(session, 'hipaa');
    const [first] = await effectiveDates('hipaa');
    const id = first?.[0] ?? '';
    await expect(withdrawRequirement(session, id, 'no')).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(withdrawRequirement(session, 'hipaa.nope', 'no such requirement here')).rejects.toMatchObject({ code: 'not_found' });
    const withdrawn = await withdrawRequirement(session, id, 'covered by the corporate LMS programme instead');
    expect(withdrawn).toMatchObject({ requirementId: id, version: 2 });
    expect((await effectiveDates('hipaa')).map(([r]) => r)).not.toContain(id);
    expect(await session.read((db) => withdrawnRequirements(db))).toEqual([
      {
        requirementId: id,
        frameworkId: 'hipaa',
        title: withdrawn.title,
        at: withdrawn.recordedAt,
        by: 'alice',
        reason: 'covered by the corporate LMS programme instead',
      },
    ]);
    const entry = await session.read((db) =>
      db.get<{ actor: string; reason: string }>("SELECT actor, reason FROM audit_log WHERE action = 'requirement.withdraw' AND target = ?", [id]),
    );
    expect(entry).toEqual({ actor: 'alice', reason: 'covered by the corporate LMS programme instead' });
    await expect(withdrawRequirement(session, id, 'covered by the corporate LMS programme instead')).rejects.toMatchObject({ code: 'not_found' });
    // Enabling the pack again leaves the officer's decision standing.
    await enableFramework(session, 'hipaa', { effectiveFrom: '2024-01-01' });
    expect((await effectiveDates('hipaa')).map(([r]) => r)).not.toContain(id);
    // Saving it again restores it (a pack requirement saved by the officer is adapted: a reason is asked).
    await saveRequirement(session, { id, title: withdrawn.title, rule: withdrawn.rule, reason: 'the corporate programme ended' });
    expect((await effectiveDates('hipaa')).map(([r]) => r)).toContain(id);
    expect(await session.read((db) => withdrawnRequirements(db))).toEqual([]);
  });
});
