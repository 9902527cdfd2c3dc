import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import type { VaultSession } from '../vault/vaultSession';
import { localToday } from './calendarDate';
import { currentRequirements, enableFramework, saveRequirement } from './requirementStore';

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
