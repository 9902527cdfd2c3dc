import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { openVault } from '../vault/openVault';
import { addEvidence } from '../evidence/evidenceStore';
import { importFile } from '../import/importFile';
import type { VaultSession } from '../vault/vaultSession';
import { addUser } from '../users/userService';
import { complianceReport, complianceTrend, gapPeople, reviewGains } from './complianceReport';
import { personRequirements } from './personCompliance';
import { enableFramework, requirementHistory, saveRequirement } from './requirementStore';
import { retentionSchedule } from './retention';
import { reviewEvidence } from './reviewEvidence';
import { Readable } from 'node:stream';

// The engine end to end on a real vault: records imported from CSV, a pack enabled and
// adapted, an officer's own requirement, evidence reviewed; statuses, score and gaps read back.

const ROSTER = `Employee ID,First Name,Last Name,Department,Job Title,Hire Date,Termination Date
E1,Ada,Lovelace,Laboratory,Lab Technician,2020-01-06,
E2,Grace,Hopper,Laboratory,Lab Technician,2020-01-06,
E3,Alan,Turing,Administration,Clerk,2024-11-01,
E4,Edsger,Dijkstra,Laboratory,Lab Technician,2020-01-06,2024-06-30
`;

// BBP (annual): E1 on time; E2 failed then passed; E3 never. HIPAA-PS: E1 only.
const COMPLETIONS = `Employee ID,Course Code,Course Title,Completion Date,Score,Result
E1,BBP,Bloodborne Pathogens,2024-10-01,92,Passed
E2,BBP,Bloodborne Pathogens,2024-03-01,55,Failed
E2,BBP,Bloodborne Pathogens,2024-03-08,85,Passed
E4,BBP,Bloodborne Pathogens,2023-06-01,90,Passed
E1,HIPAA-PS,HIPAA Privacy & Security,2024-09-15,95,Passed
`;

/** Packs in force long before the dates these tests ask about (by default a pack is in force from the day it is enabled). */
const IN_FORCE = { effectiveFrom: '2015-01-01' };

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;

function file(name: string, content: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}

beforeEach(async () => {
  temp = tempDir();
  ({ session } = await makeVault(temp.dir));
  expect((await importFile(session, file('roster.csv', ROSTER))).committed).toBe(true);
  expect((await importFile(session, file('completions.csv', COMPLETIONS))).committed).toBe(true);
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

describe('complianceReport', () => {
  it('sees records another process committed since the last report (the cache follows the vault, not the session)', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const before = await complianceReport(session, { asOf: '2025-01-15' });
    expect(before.frameworks[0]?.requirements[0]?.counts).toMatchObject({ never_trained: 1 });
    // "Another process": a second session on its own connection, as the CLI would be.
    const other = await openVault(session.paths.dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    try {
      const csv = 'Employee ID,Course Code,Course Title,Completion Date,Score,Result\nE3,BBP,Bloodborne Pathogens,2024-12-01,88,Passed\n';
      expect((await importFile(other, file('late.csv', csv))).committed).toBe(true);
    } finally {
      await other.lock();
    }
    const after = await complianceReport(session, { asOf: '2025-01-15' });
    expect(after.frameworks[0]?.requirements[0]?.counts).not.toHaveProperty('never_trained');
  });

  it('counts every status of an enabled pack as of a date, with the score and its components', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const report = await complianceReport(session, { asOf: '2025-01-15', includePairs: true });
    const bbp = report.frameworks[0]?.requirements[0];
    // OSHA wants evidence: E1 and E2 are current but have none; E3 (hired 2024-11-01, 0 days of grace) never trained; E4 left.
    expect(bbp?.counts).toEqual({ missing_evidence: 2, never_trained: 1, not_applicable: 1 });
    expect(report.pairs?.find((p) => p.status === 'not_applicable')?.reason).toBe('left_before');
    const components = Object.fromEntries(report.overall.components.map((c) => [c.id, c]));
    expect(components.coverage).toMatchObject({ met: 2, measured: 3 });
    expect(components.currency).toMatchObject({ met: 2, measured: 3 });
    expect(components.competence).toMatchObject({ met: 2, measured: 2 });
    expect(components.evidence).toMatchObject({ met: 0, measured: 2, contribution: 0 });
    // Review is measured over the same pairs as evidence: no evidence is no accepted evidence.
    expect(components.review).toMatchObject({ met: 0, measured: 2, contribution: 0 });
    expect(components.integrity).toMatchObject({ value: 1, contribution: 10 });
    const expected = 25 * (2 / 3) + 25 * (2 / 3) + 15 + 0 + 0 + 10;
    expect(report.overall.score).toBeCloseTo(expected, 1);
    // One person never trained costs coverage and currency (2 x 25/3 points); two without evidence, the whole evidence and review components.
    expect(report.overall.gaps).toEqual([
      { requirementId: 'osha-bbp.training', frameworkId: 'osha-bbp', kind: 'missing_evidence', people: 2, points: 25 },
      { requirementId: 'osha-bbp.training', frameworkId: 'osha-bbp', kind: 'never_trained', people: 1, points: 16.7 },
    ]);
    expect(report.heatmap.cells).toEqual(expect.arrayContaining([{ unit: 'Laboratory', requirementId: 'osha-bbp.training', applicable: 2, current: 2 }]));
  });

  it('evidence linked and accepted makes a training compliant; a rejected file shows as evidence_rejected', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const completions = await session.read((db) =>
      db.all<{ completion_id: string; employee_id: string }>(
        "SELECT c.completion_id, p.employee_id FROM completions c JOIN people p ON p.person_id = c.person_id AND p.current = 1 WHERE c.current = 1 AND c.completed_on IN ('2024-10-01', '2024-03-08')",
      ),
    );
    const ids: Record<string, string> = {};
    for (const c of completions) {
      const meta = await addEvidence(session, {
        source: Readable.from([Buffer.from(`sign-in sheet ${c.employee_id}`)]),
        fileName: `${c.employee_id}.txt`,
        mediaType: 'text/plain',
        personId: null,
        links: [{ kind: 'completion', id: c.completion_id }],
      });
      expect(meta.documentDate).toMatch(/^2024-(10-01|03-08)$/); // the linked training's date, by default
      ids[c.employee_id] = meta.id;
    }
    await reviewEvidence(session, ids.E1 as string, 'accepted', null);
    await expect(reviewEvidence(session, ids.E2 as string, 'rejected', '')).rejects.toThrow(/why/);
    await reviewEvidence(session, ids.E2 as string, 'rejected', 'no trainer name');
    const report = await complianceReport(session, { asOf: '2025-01-15' });
    expect(report.frameworks[0]?.requirements[0]?.counts).toEqual({ compliant: 1, evidence_rejected: 1, never_trained: 1, not_applicable: 1 });
    const review = report.overall.components.find((c) => c.id === 'review');
    expect(review).toMatchObject({ met: 1, measured: 2 });
    const gap = await gapPeople(session, { asOf: '2025-01-15', requirementId: 'osha-bbp.training', kind: 'evidence_rejected', limit: 10 });
    expect(gap.total).toBe(1);
    // A heat-map cell: in scope in one unit, not current (E2's rejected evidence still counts as current training).
    const lab = await gapPeople(session, { asOf: '2025-01-15', requirementId: 'osha-bbp.training', kind: 'not_current', unit: 'Laboratory', limit: 10 });
    expect(lab.total).toBe(0);
    const admin = await gapPeople(session, { asOf: '2025-01-15', requirementId: 'osha-bbp.training', kind: 'not_current', unit: 'Administration', limit: 10 });
    expect(admin.people.map((p) => [p.unit, p.status])).toEqual([['Administration', 'never_trained']]);
  });

  it('evidence counts from the day it documents, not the day it was added; a superseded file no longer counts', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const [completion] = await session.read((db) =>
      db.all<{ completion_id: string; person_id: string }>(
        "SELECT c.completion_id, c.person_id FROM completions c JOIN people p ON p.person_id = c.person_id AND p.current = 1 WHERE c.current = 1 AND p.employee_id = 'E1' AND c.completed_on = '2024-10-01'",
      ),
    );
    const link = { kind: 'completion' as const, id: completion?.completion_id ?? '' };
    const add = (text: string, extra: { documentDate?: string; replaces?: string } = {}) =>
      addEvidence(session, { source: Readable.from([Buffer.from(text)]), fileName: 'sheet.txt', mediaType: 'text/plain', links: [link], ...extra });
    const late = await add('filed for January', { documentDate: '2025-01-20' });
    await reviewEvidence(session, late.id, 'accepted', null);
    const e1 = async (asOf: string) => {
      const gap = await gapPeople(session, { asOf, requirementId: 'osha-bbp.training', kind: 'missing_evidence', limit: 10 });
      return gap.people.some((p) => p.personId === completion?.person_id) ? 'missing' : 'has evidence';
    };
    expect(await e1('2025-01-15')).toBe('missing');
    expect(await e1('2025-01-20')).toBe('has evidence');
    // A replacement documents the training's own day (the default); the accepted file it replaces stops counting.
    const replacement = await add('rescanned', { replaces: late.id });
    expect(replacement.documentDate).toBe('2024-10-01');
    const report = await complianceReport(session, { asOf: '2025-01-15' });
    expect(report.overall.components.find((c) => c.id === 'review')).toMatchObject({ met: 0 });
    expect(await e1('2025-01-15')).toBe('has evidence');
    await expect(add('bad', { documentDate: '2025-02-30' })).rejects.toThrow(/document date/);
    await expect(add('bad', { replaces: 'no-such-evidence' })).rejects.toThrow(/no evidence no-such-evidence/);
  });
  it("an adapted pack requirement and an officer's own are new, logged versions; the status follows them", async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const history = await session.read((db) => requirementHistory(db, 'osha-bbp.training'));
    const pack = history[0];
    if (!pack) throw new Error('the pack requirement is missing');
    expect(pack.origin).toBe('pack');
    await expect(
      saveRequirement(session, { id: 'osha-bbp.training', title: 'BBP', rule: { ...pack.rule, appliesTo: { units: ['Laboratory'], roles: [], sites: [] } } }),
    ).rejects.toThrow(/reason/);
    const adapted = await saveRequirement(session, {
      id: 'osha-bbp.training',
      title: pack.title,
      rule: { ...pack.rule, appliesTo: { units: ['Laboratory'], roles: [], sites: [] }, evidence: { required: false, description: null } },
      reason: 'exposure control plan: laboratory only',
    });
    expect(adapted).toMatchObject({ version: 2, origin: 'adapted', reason: 'exposure control plan: laboratory only' });
    const own = await saveRequirement(session, {
      id: 'site.privacy',
      title: 'Privacy refresher',
      rule: { courses: { codes: ['HIPAA-PS'] }, recurrenceMonths: 12, graceDays: 30, effectiveFrom: '2015-01-01' },
    });
    expect(own).toMatchObject({ frameworkId: 'custom', origin: 'custom', version: 1 });
    const report = await complianceReport(session, { asOf: '2025-01-15' });
    const counts = Object.fromEntries(report.frameworks.flatMap((f) => f.requirements).map((r) => [r.requirementId, r.counts]));
    expect(counts['osha-bbp.training']).toEqual({ compliant: 2, not_applicable: 2 }); // E3 is in Administration now out of scope
    expect(counts['site.privacy']).toEqual({ compliant: 1, never_trained: 2, not_applicable: 1 });
    const log = await session.read((db) =>
      db.all<{ action: string; target: string }>(
        "SELECT action, target FROM audit_log WHERE action LIKE 'requirement.%' OR action LIKE 'framework.%' ORDER BY seq",
      ),
    );
    expect(log.map((e) => `${e.action} ${e.target}`)).toEqual([
      'requirement.create osha-bbp.training',
      'framework.enable osha-bbp',
      'requirement.update osha-bbp.training',
      'requirement.create site.privacy',
    ]);
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('an auditor sees onboarding due dates as months (they are the hire day plus published days), an officer the day; expiries stay days for both', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('auditor reads the dashboard only'), kdf: 'minimum' });
    const auditor = await openVault(session.paths.dir, { user: 'audrey', passphrase: Buffer.from('auditor reads the dashboard only') });
    try {
      const asOf = '2025-01-15';
      const query = { asOf, requirementId: 'osha-bbp.training', kind: 'not_current', limit: 10 } as const;
      const officerGap = await gapPeople(session, query);
      const auditorGap = await gapPeople(auditor, query);
      // E3, hired 2024-11-01 and never trained: due on the hire day plus the pack's onboarding days.
      const officerE3 = officerGap.people.find((p) => p.status === 'never_trained');
      expect(officerE3?.dueOn).toMatch(/^2024-11-\d{2}$/);
      const auditorE3 = auditorGap.people.find((p) => p.personId === officerE3?.personId);
      expect(auditorE3).toMatchObject({ status: 'never_trained', dueOn: officerE3?.dueOn?.slice(0, 7) });
      // Every due date an auditor's drill-down shows for training that is not current is a month.
      for (const p of auditorGap.people) expect(p.dueOn ?? '').toMatch(/^(\d{4}-\d{2})?$/);

      const e3 = officerE3?.personId ?? '';
      const officerPanel = await personRequirements(session, e3, asOf);
      const auditorPanel = await personRequirements(auditor, e3, asOf);
      const bbp = (panel: typeof officerPanel) => panel.requirements.find((r) => r.requirementId === 'osha-bbp.training');
      expect(bbp(officerPanel)?.dueOn).toBe(officerE3?.dueOn);
      expect(bbp(auditorPanel)?.dueOn).toBe(officerE3?.dueOn?.slice(0, 7));

      // A current training (here awaiting its evidence) is due when its completion expires, which
      // its kept date already tells: a day for both.
      const compliant = await gapPeople(auditor, { asOf, requirementId: 'osha-bbp.training', kind: 'missing_evidence', limit: 10 });
      expect(compliant.people.length).toBeGreaterThan(0);
      for (const p of compliant.people) expect(p.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      // Nor can an auditor ask for the statuses of any day (the day someone turns overdue tells
      // the hire day): a day is answered as of its month's end; an officer gets the day.
      expect((await complianceReport(auditor, { asOf })).asOf).toBe('2025-01-31');
      expect((await complianceReport(session, { asOf })).asOf).toBe(asOf);
      expect(await gapPeople(auditor, query)).toEqual(await gapPeople(auditor, { ...query, asOf: '2025-01-31' }));
      expect((await complianceTrend(auditor, asOf)).at(-1)?.asOf).toBe('2025-01-31');
      // Nor through the per-pair rows (`status --people`) or the review queue's gains.
      const pairs = (await complianceReport(auditor, { asOf, includePairs: true })).pairs ?? [];
      expect(pairs.find((p) => p.personId === e3 && p.requirementId === 'osha-bbp.training')?.dueOn).toBe(officerE3?.dueOn?.slice(0, 7));
      expect(await reviewGains(auditor, asOf)).toEqual(await reviewGains(auditor, '2025-01-31'));
    } finally {
      await auditor.lock();
    }
  });

  it('trend: one point per month end, as the records stand, then the date itself', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const trend = await complianceTrend(session, '2025-01-15');
    expect(trend.map((p) => p.asOf)).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
      '2024-06-30',
      '2024-07-31',
      '2024-08-31',
      '2024-09-30',
      '2024-10-31',
      '2024-11-30',
      '2024-12-31',
      '2025-01-15',
    ]);
    const byDate = new Map(trend.map((p) => [p.asOf, p.overall]));
    // Before anyone trained in 2024 (E4 trained 2023-06-01) the score is lower than after.
    expect(byDate.get('2024-01-31')).toBeLessThan(byDate.get('2024-12-31') as number);
    expect(trend.at(-1)?.frameworks['osha-bbp']).toBe(trend.at(-1)?.overall);
  });

  it('a change to the records is seen by the next report (the cache follows the vault)', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const before = await complianceReport(session, { asOf: '2025-01-15' });
    await importFile(session, file('more.csv', 'Employee ID,Course Code,Completion Date,Score,Result\nE3,BBP,2024-12-01,90,Passed\n'));
    const after = await complianceReport(session, { asOf: '2025-01-15' });
    expect(before.frameworks[0]?.requirements[0]?.counts.never_trained).toBe(1);
    expect(after.frameworks[0]?.requirements[0]?.counts.never_trained).toBeUndefined();
  });

  it('gives the same report when it reads the vault as from memory', async () => {
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    await enableFramework(session, 'hipaa', IN_FORCE);
    const cold = await complianceReport(session, { asOf: '2025-01-15', includePairs: true });
    const warm = await complianceReport(session, { asOf: '2025-01-15', includePairs: true });
    expect(cold.pairs?.length).toBe(4 * cold.frameworks.reduce((n, f) => n + f.requirements.length, 0));
    expect(warm).toEqual(cold);
    // Each pair's completion is one of that person's (read by row from the table).
    const table = await session.read((db) =>
      db.all<{ completion_id: string; person_id: string }>('SELECT completion_id, person_id FROM completions WHERE current = 1'),
    );
    const owner = new Map(table.map((r) => [r.completion_id, r.person_id]));
    const shown = cold.pairs?.filter((p) => p.completionId !== null) ?? [];
    expect(shown.length).toBeGreaterThan(2);
    for (const pair of shown) expect(owner.get(pair.completionId as string)).toBe(pair.personId);
    const gap = await gapPeople(session, { asOf: '2025-01-15', requirementId: 'osha-bbp.training', kind: 'missing_evidence', limit: 10 });
    expect(gap.people.length).toBe(2);
    for (const person of gap.people) expect(owner.get(person.completionId as string)).toBe(person.personId);
    // One framework, first after a change and then from memory.
    await saveRequirement(session, {
      id: 'site.privacy',
      title: 'Privacy refresher',
      rule: { courses: { codes: ['HIPAA-PS'] }, recurrenceMonths: 12, graceDays: 30, effectiveFrom: '2015-01-01' },
    });
    const coldOne = await complianceReport(session, { asOf: '2025-01-15', frameworkId: 'hipaa', includePairs: true });
    const warmOne = await complianceReport(session, { asOf: '2025-01-15', frameworkId: 'hipaa', includePairs: true });
    expect(coldOne.frameworks.map((f) => f.id)).toEqual(['hipaa']);
    expect(warmOne).toEqual(coldOne);
  });

  it('upcoming certification expiries: the latest card of each employed person, within 30/60/90 days', async () => {
    const cards = file(
      'cards.csv',
      `Employee ID,Certification,Certification Number,Issue Date,Expiration Date
E1,BLS PROVIDER,B-0,2021-02-01,2023-02-01
E1,BLS Provider,B-1,2023-02-01,2025-02-10
E2,BLS Provider,B-2,2023-03-01,2025-03-31
E2,ACLS Provider,A-2,2021-01-01,2025-01-01
E3,BLS Provider,B-3,2023-01-01,2025-02-01
E3,BLS Provider,B-4,2025-01-05,2027-01-31
E4,BLS Provider,B-5,2023-01-01,2025-02-01
`,
    );
    expect((await importFile(session, cards)).committed).toBe(true);
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const report = await complianceReport(session, { asOf: '2025-01-15' });
    // E1 in 26 days (under the name of that card, not of the older one), E2's BLS in 75; E2's
    // ACLS already expired; E3 renewed; E4 left.
    expect(report.certificationExpiries).toMatchObject({ within30: 1, within60: 1, within90: 2 });
    expect(report.certificationExpiries.soonest.map((c) => [c.name, c.expiresOn])).toEqual([
      ['BLS Provider', '2025-02-10'],
      ['BLS Provider', '2025-03-31'],
    ]);
  });

  it('retention: HIPAA keeps six years from when a training was last in effect; OSHA three years from the training', async () => {
    await enableFramework(session, 'hipaa', IN_FORCE);
    await enableFramework(session, 'osha-bbp', IN_FORCE);
    const rows = await retentionSchedule(session, '2026-01-01');
    const hipaa = rows.find((r) => r.courseCode === 'hipaa-ps');
    expect(hipaa).toMatchObject({ completedOn: '2024-09-15', disposeAfter: '2031-09-15' }); // expired 2025-09-15, + 6 years
    const osha = rows.find((r) => r.courseCode === 'bbp' && r.completedOn === '2024-03-01');
    expect(osha).toMatchObject({ disposeAfter: '2027-03-01', requirementId: 'osha-bbp.training' });
    const stillInEffect = await retentionSchedule(session, '2025-01-01');
    expect(stillInEffect.find((r) => r.courseCode === 'hipaa-ps')?.disposeAfter).toBeNull();
  });

  it('retention: a disposal date that follows from a leaving date is a month to an auditor (the day would tell the leaving day)', async () => {
    await enableFramework(session, 'hipaa', IN_FORCE);
    // E4 left on 2024-06-30, before this training lapsed: kept six years from the leaving day.
    expect(
      (
        await importFile(
          session,
          file('e4.csv', 'Employee ID,Course Code,Course Title,Completion Date,Score,Result\nE4,HIPAA-PS,HIPAA Privacy & Security,2024-01-10,90,Passed\n'),
        )
      ).committed,
    ).toBe(true);
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('auditor reads the dashboard only'), kdf: 'minimum' });
    const auditor = await openVault(session.paths.dir, { user: 'audrey', passphrase: Buffer.from('auditor reads the dashboard only') });
    try {
      const e4 = (rows: Awaited<ReturnType<typeof retentionSchedule>>) => rows.find((r) => r.courseCode === 'hipaa-ps' && r.completedOn === '2024-01-10');
      expect(e4(await retentionSchedule(session, '2026-01-01'))?.disposeAfter).toBe('2030-06-30');
      expect(e4(await retentionSchedule(auditor, '2026-01-01'))?.disposeAfter).toBe('2030-06');
      // A date from the training itself tells no leaving day: a day for both.
      expect((await retentionSchedule(auditor, '2026-01-01')).find((r) => r.courseCode === 'hipaa-ps' && r.completedOn === '2024-09-15')?.disposeAfter).toBe(
        '2031-09-15',
      );
    } finally {
      await auditor.lock();
    }
  });
});
