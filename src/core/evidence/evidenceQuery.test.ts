import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import { reviewGains } from '../compliance/complianceReport';
import { enableFramework } from '../compliance/requirementStore';
import { reviewEvidence } from '../compliance/reviewEvidence';
import { importFile } from '../import/importFile';
import { pseudonym } from '../records/pseudonym';
import { addUser } from '../users/userService';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { addEvidence } from './evidenceStore';
import type { EvidenceLink } from './evidenceStore';
import { queryEvidence } from './evidenceQuery';
import type { EvidenceQuery } from './evidenceQuery';

// The evidence list on a real vault: records imported from CSV, files added with links,
// reviewed with signatures; every filter checked against rows known by construction.

const ROSTER = `Employee ID,First Name,Last Name,Department,Job Title,Hire Date
E1,Ada,Lovelace,Laboratory,Lab Technician,2020-01-06
E2,Grace,Hopper,Laboratory,Lab Technician,2020-01-06
E3,Alan,Turing,Administration,Clerk,2020-01-06
`;
const COMPLETIONS = `Employee ID,Course Code,Course Title,Completion Date,Score,Result
E1,BBP,Bloodborne Pathogens,2024-10-01,92,Passed
E2,BBP,Bloodborne Pathogens,2024-11-08,85,Passed
E3,HIPAA-PS,HIPAA Privacy & Security,2024-09-15,95,Passed
`;

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
let dir: string;
const ids: Record<string, string> = {};
const persons: Record<string, string> = {};

const page = (query: Partial<EvidenceQuery>, gains?: ReadonlyMap<string, number>) =>
  queryEvidence(session, { sort: 'documentDate', dir: 'asc', offset: 0, limit: 50, ...query }, gains);
const names = async (query: Partial<EvidenceQuery>) => (await page(query)).rows.map((r) => r.fileName);

beforeEach(async () => {
  temp = tempDir();
  ({ session, dir } = await makeVault(temp.dir));
  const file = (name: string, text: string) => {
    writeFileSync(join(temp.dir, name), text);
    return join(temp.dir, name);
  };
  await importFile(session, file('roster.csv', ROSTER));
  await importFile(session, file('completions.csv', COMPLETIONS));
  await enableFramework(session, 'osha-bbp', { effectiveFrom: '2015-01-01' });
  const completions = await session.read((db) =>
    db.all<{ employee_id: string; completion_id: string; person_id: string }>(
      'SELECT p.employee_id, c.completion_id, c.person_id FROM completions c JOIN people p ON p.person_id = c.person_id AND p.current = 1 WHERE c.current = 1',
    ),
  );
  for (const c of completions) {
    ids[c.employee_id] = c.completion_id;
    persons[c.employee_id] = c.person_id;
  }
  const add = async (fileName: string, links: EvidenceLink[], extra: { documentDate?: string; personId?: string } = {}) =>
    (await addEvidence(session, { source: Readable.from([Buffer.from(fileName)]), fileName, mediaType: 'text/plain', links, ...extra })).id;
  const e1 = await add('e1-certificate.pdf', [{ kind: 'completion', id: ids.E1 as string }]);
  await add('e2-sheet.pdf', [{ kind: 'completion', id: ids.E2 as string }]);
  const e3 = await add('e3-hipaa.png', [{ kind: 'completion', id: ids.E3 as string }]);
  await add('report.csv', [
    { kind: 'completion', id: ids.E1 as string },
    { kind: 'completion', id: ids.E2 as string },
  ]);
  await add('ada-badge.jpg', [], { personId: persons.E1 as string, documentDate: '2023-01-01' });
  await reviewEvidence(session, e1, 'accepted', null);
  await reviewEvidence(session, e3, 'rejected', 'wrong course');
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

describe('queryEvidence', () => {
  it('lists every file with its person, links, document date, state and signed review', async () => {
    const { total, rows } = await page({});
    expect(total).toBe(5);
    expect(rows.map((r) => [r.fileName, r.documentDate, r.state])).toEqual([
      ['ada-badge.jpg', '2023-01-01', 'pending'],
      ['e3-hipaa.png', '2024-09-15', 'rejected'],
      ['e1-certificate.pdf', '2024-10-01', 'accepted'],
      ['report.csv', '2024-10-01', 'pending'],
      ['e2-sheet.pdf', '2024-11-08', 'pending'],
    ]);
    const e1 = rows.find((r) => r.fileName === 'e1-certificate.pdf');
    expect(e1?.person).toMatchObject({ name: 'Lovelace, Ada', employeeId: 'E1', unit: 'Laboratory' });
    expect(e1?.links).toEqual([{ kind: 'completion', id: ids.E1, label: 'BBP, 2024-10-01' }]);
    expect(e1?.review).toMatchObject({ state: 'accepted', meaning: 'approved', printedName: 'alice', signed: true });
    // A report naming two people documents no one person.
    expect(rows.find((r) => r.fileName === 'report.csv')?.person).toBeNull();
    expect(rows.find((r) => r.fileName === 'e3-hipaa.png')?.review).toMatchObject({ state: 'rejected', reason: 'wrong course' });
  });

  it('filters by state, person, unit, requirement, document date and search', async () => {
    expect(await names({ state: 'pending' })).toEqual(['ada-badge.jpg', 'report.csv', 'e2-sheet.pdf']);
    expect(await names({ state: 'rejected' })).toEqual(['e3-hipaa.png']);
    expect(await names({ personId: persons.E1 })).toEqual(['ada-badge.jpg', 'e1-certificate.pdf', 'report.csv']);
    expect(await names({ unit: 'Administration' })).toEqual(['e3-hipaa.png']);
    expect(await names({ requirementId: 'osha-bbp.training' })).toEqual(['e1-certificate.pdf', 'report.csv', 'e2-sheet.pdf']);
    expect(await names({ from: '2024-10-01', to: '2024-10-31' })).toEqual(['e1-certificate.pdf', 'report.csv']);
    expect(await names({ search: 'hopper' })).toEqual(['e2-sheet.pdf']);
    expect(await names({ search: 'csv' })).toEqual(['report.csv']);
    expect(await names({ state: 'pending', unit: 'Laboratory' })).toEqual(['ada-badge.jpg', 'e2-sheet.pdf']);
    await expect(page({ from: '2024-13-01' })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('the review queue ranks pending files by the points their acceptance would win', async () => {
    const gains = await reviewGains(session, '2025-01-15');
    const { rows } = await page({ state: 'pending', sort: 'points' }, gains);
    // Two BBP pairs measure review (E1, E2; 10 points between them). E2's training awaits
    // review (its only file is pending): the report and the sheet each would win its 5 points
    // (ties in document-date order); E1's is already accepted, the badge documents no training.
    expect(rows.map((r) => [r.fileName, r.points])).toEqual([
      ['report.csv', 5],
      ['e2-sheet.pdf', 5],
      ['ada-badge.jpg', 0],
    ]);
  });

  it('an auditor sees each file, its state and a pseudonym, never a name, employee id, file name or reason, and cannot search', async () => {
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('auditor passphrase orbit zebra'), kdf: 'minimum' });
    const auditor = await openVault(dir, { user: 'audrey', passphrase: Buffer.from('auditor passphrase orbit zebra') });
    try {
      const { masked, rows } = await queryEvidence(auditor, { sort: 'documentDate', dir: 'asc', offset: 0, limit: 50 });
      expect(masked).toBe(true);
      const e1 = rows.find((r) => r.links.some((l) => l.id === ids.E1) && r.links.length === 1);
      expect(e1?.person).toMatchObject({ name: '•••••', employeeId: '•••••', pseudonym: pseudonym(session.vaultId, persons.E1 as string) });
      // File names often carry names and employee ids: masked too, as are review reasons; search is off.
      expect(e1?.fileName).toMatch(/^file [0-9a-f]{8}\.pdf$/);
      expect(rows.find((r) => r.review?.state === 'rejected')?.review?.reason).toBe('•••••');
      expect(JSON.stringify(rows)).not.toMatch(/Lovelace|Hopper|"E1"|e1-certificate|wrong course/);
      expect((await queryEvidence(auditor, { search: 'hopper', sort: 'documentDate', dir: 'asc', offset: 0, limit: 50 })).total).toBe(5);
      expect((await queryEvidence(auditor, { search: 'e2-sheet', sort: 'documentDate', dir: 'asc', offset: 0, limit: 50 })).total).toBe(5);
    } finally {
      await auditor.lock();
    }
  });
});
