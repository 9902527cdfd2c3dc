import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { importFile } from '../import/importFile';
import { addUser } from '../users/userService';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { queryCompletions } from './completionsQuery';
import { MASK } from './masking';
import { personDetail } from './personDetail';
import { queryPeople } from './peopleQuery';
import { CERTIFICATION_FIELDS, VISIBLE_CLASSES } from '../../shared/records/dataClasses';

const ROSTER = `Employee ID,First Name,Last Name,Email,Department,Job Title,Hire Date,Termination Date
E1,Zoë,Álvarez,zoe.alvarez@example.org,Pharmacy,Pharmacist,2020-01-06,
E2,Omar,Haddad,omar@example.org,Laboratory,Lab Technician,2021-05-03,2024-06-30
E3,Mei,Chen,mei.chen@example.org,Pharmacy,Pharmacy Technician,2022-09-12,
`;
const COMPLETIONS = `Employee ID,Course,Completion Date,Score
E1,Bloodborne Pathogens,2025-01-10,92
E3,Bloodborne Pathogens,2025-01-11,81
E3,HIPAA Privacy,2025-02-01,77
`;

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
let dir: string;
const page = { status: 'all' as const, offset: 0, limit: 50 };

beforeEach(async () => {
  temp = tempDir();
  ({ session, dir } = await makeVault(temp.dir));
  writeFileSync(join(temp.dir, 'r.csv'), ROSTER);
  writeFileSync(join(temp.dir, 'c.csv'), COMPLETIONS);
  await importFile(session, join(temp.dir, 'r.csv'));
  await importFile(session, join(temp.dir, 'c.csv'));
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

describe('record queries', () => {
  it('lists, sorts, filters and pages people', async () => {
    const all = await queryPeople(session, { ...page, sort: 'name', dir: 'asc' });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.name)).toEqual(['Álvarez, Zoë', 'Chen, Mei', 'Haddad, Omar']);
    const left = await queryPeople(session, { ...page, status: 'left', sort: 'name', dir: 'asc' });
    expect(left.rows.map((r) => r.employeeId)).toEqual(['E2']);
    const second = await queryPeople(session, { ...page, sort: 'employeeId', dir: 'desc', offset: 1, limit: 1 });
    expect(second).toMatchObject({ total: 3, rows: [{ employeeId: 'E2' }] });
  });

  it('searches people with FTS5: prefixes, diacritics, e-mail parts; hostile input is harmless', async () => {
    const search = (text: string) => queryPeople(session, { ...page, search: text, sort: 'name', dir: 'asc' }).then((r) => r.rows.map((p) => p.employeeId));
    expect(await search('alv')).toEqual(['E1']);
    expect(await search('zoe')).toEqual(['E1']);
    expect(await search('pharm')).toEqual([]);
    expect(await search('mei.chen')).toEqual(['E3']);
    expect(await search('"; DROP TABLE people; --')).toEqual([]);
    expect(await search('NEAR(a b) OR *')).toEqual([]);
  });

  it('keeps the FTS index in step with new versions', async () => {
    writeFileSync(join(temp.dir, 'r2.csv'), ROSTER.replace('Mei,Chen,mei.chen@example.org', 'Mei,Chen-Watanabe,mei.chen@example.org'));
    await importFile(session, join(temp.dir, 'r2.csv'));
    const found = await queryPeople(session, { ...page, search: 'watanabe', sort: 'name', dir: 'asc' });
    expect(found.rows.map((r) => r.name)).toEqual(['Chen-Watanabe, Mei']);
    const detail = await personDetail(session, found.rows[0]?.personId ?? '');
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it('lists completions with search over people and courses', async () => {
    const all = await queryCompletions(session, { ...page, sort: 'completedOn', dir: 'desc' });
    expect(all.rows.map((r) => `${r.person}|${r.course}|${String(r.score)}`)).toEqual([
      'Chen, Mei|HIPAA Privacy|77',
      'Chen, Mei|Bloodborne Pathogens|81',
      'Álvarez, Zoë|Bloodborne Pathogens|92',
    ]);
    expect((await queryCompletions(session, { ...page, search: 'hipaa', sort: 'completedOn', dir: 'desc' })).total).toBe(1);
    expect((await queryCompletions(session, { ...page, search: 'zoe', sort: 'completedOn', dir: 'desc' })).total).toBe(1);
    expect((await queryCompletions(session, { ...page, search: '100%_', sort: 'completedOn', dir: 'desc' })).total).toBe(0);
  });

  it("returns a person's current certifications with every version; an auditor sees them by their data class", async () => {
    const certs = (expiry: string) => `Employee ID,Certification,License Number,Issue Date,Expiration Date,Issuer
E1,Registered Pharmacist,RPH-1,2020-01-06,${expiry},Board of Pharmacy
E1,BLS Provider,,2025-01-15,2027-01-31,American Heart Association
E3,Certified Pharmacy Technician,PTCB-9,2022-09-12,,PTCB
`;
    writeFileSync(join(temp.dir, 'certs.csv'), certs('2026-12-31'));
    await importFile(session, join(temp.dir, 'certs.csv'));
    writeFileSync(join(temp.dir, 'certs2.csv'), certs('2028-12-31'));
    await importFile(session, join(temp.dir, 'certs2.csv'));
    const zoe = (await queryPeople(session, { ...page, search: 'zoe', sort: 'name', dir: 'asc' })).rows[0]?.personId ?? '';
    const detail = await personDetail(session, zoe);
    expect(detail.certifications.every((c) => /^[0-9a-f-]{36}$/.test(c.certificationId))).toBe(true);
    expect(
      detail.certifications.map(({ name, number, issuedOn, expiresOn, issuer, version, versions }) => ({
        name,
        number,
        issuedOn,
        expiresOn,
        issuer,
        version,
        versions: versions.map((v) => [v.version, v.reason, v.sourceRow, v.recordedBy]),
      })),
    ).toEqual([
      {
        name: 'BLS Provider',
        number: null,
        issuedOn: '2025-01-15',
        expiresOn: '2027-01-31',
        issuer: 'American Heart Association',
        version: 1,
        versions: [[1, null, 3, ADMIN]],
      },
      {
        name: 'Registered Pharmacist',
        number: 'RPH-1',
        issuedOn: '2020-01-06',
        expiresOn: '2028-12-31',
        issuer: 'Board of Pharmacy',
        version: 2,
        versions: [
          [2, 'corrected by import', 2, ADMIN],
          [1, null, 2, ADMIN],
        ],
      },
    ]);
    const omar = (await queryPeople(session, { ...page, search: 'omar', sort: 'name', dir: 'asc' })).rows[0]?.personId ?? '';
    expect((await personDetail(session, omar)).certifications).toEqual([]);

    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('granite meadow lantern quiver'), kdf: 'minimum' });
    await session.lock();
    const auditor = await openVault(dir, { user: 'audrey', passphrase: Buffer.from('granite meadow lantern quiver') });
    try {
      const masked = await personDetail(auditor, zoe);
      expect(masked).toMatchObject({ masked: true, name: MASK, employeeId: MASK });
      // Unit + job role + an exact hire date can single out a senior person: auditors see the month.
      expect(masked.hireDate).toBe('2020-01');
      // Certification fields are class `certification`, which an auditor may see, except the licence number (PII); the person stays masked.
      for (const c of masked.certifications) {
        for (const [field, dataClass] of Object.entries(CERTIFICATION_FIELDS)) {
          const value = c[field as keyof typeof CERTIFICATION_FIELDS];
          if (value !== null) expect(value === MASK, field).toBe(!VISIBLE_CLASSES.auditor.includes(dataClass));
        }
      }
      expect(masked.certifications.map((c) => [c.name, c.number, c.expiresOn])).toEqual([
        ['BLS Provider', null, '2027-01-31'],
        ['Registered Pharmacist', MASK, '2028-12-31'],
      ]);
      expect(JSON.stringify(masked)).not.toMatch(/Zoë|Álvarez|example\.org|"E1"|RPH-1/);
    } finally {
      await auditor.lock();
      session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    }
  });

  it('masks PII for an auditor, in core, and ignores their searches and name sorts', async () => {
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('granite meadow lantern quiver'), kdf: 'minimum' });
    await session.lock();
    const auditor = await openVault(dir, { user: 'audrey', passphrase: Buffer.from('granite meadow lantern quiver') });
    try {
      const people = await queryPeople(auditor, { ...page, search: 'zoe', sort: 'name', dir: 'asc' });
      expect(people.masked).toBe(true);
      expect(people.total).toBe(3);
      for (const row of people.rows) expect(row).toMatchObject({ name: MASK, employeeId: MASK, email: MASK });
      expect(JSON.stringify(people)).not.toMatch(/Zoë|Haddad|example\.org|E1/);
      const completions = await queryCompletions(auditor, { ...page, sort: 'person', dir: 'asc' });
      // Each person by their pseudonym, never by name.
      expect(completions.rows.every((r) => /^P-[0-9A-Z]{6}$/.test(r.person))).toBe(true);
      expect(JSON.stringify(completions)).not.toMatch(/Zoë|Haddad/);
      expect(completions.rows.map((r) => r.score).sort()).toEqual([77, 81, 92]);
      const detail = await personDetail(auditor, people.rows[0]?.personId ?? '');
      expect(detail).toMatchObject({ masked: true, name: MASK, dateOfBirth: null });
    } finally {
      await auditor.lock();
      session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    }
  });

  it("an auditor's unit, role and hire-date sorts break ties by the records' random bits, not by the names they may not see nor by when they were made", async () => {
    // Aab sorts first by name but was added last (the largest person id), in Zoë's unit and role
    // and on her hire date: a name tie-break would put Aab before Zoë in all three sorts, a
    // record-id tie-break always after her (ids begin with their creation time).
    writeFileSync(
      join(temp.dir, 'r2.csv'),
      'Employee ID,First Name,Last Name,Email,Department,Job Title,Hire Date,Termination Date\nE4,Aaron,Aab,aaron@example.org,Pharmacy,Pharmacist,2020-01-06,\n' +
        // Ten more beside them, made one after another: creation order would show as one of 12! orders.
        Array.from({ length: 10 }, (_, i) => `X${String(i)},Given${String(i)},Family${String(i)},,Pharmacy,Pharmacist,2020-01-06,\n`).join(''),
    );
    await importFile(session, join(temp.dir, 'r2.csv'));
    const employee = new Map((await queryPeople(session, { ...page, sort: 'name', dir: 'asc' })).rows.map((r) => [r.personId, r.employeeId]));
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('granite meadow lantern quiver'), kdf: 'minimum' });
    await session.lock();
    const auditor = await openVault(dir, { user: 'audrey', passphrase: Buffer.from('granite meadow lantern quiver') });
    try {
      const order = async (sort: 'orgUnit' | 'jobRole' | 'hireDate') =>
        (await queryPeople(auditor, { ...page, sort, dir: 'asc' })).rows.map((r) => employee.get(r.personId));
      // The expected order: by the ids' last 12 hex digits, random bits (recordId.ts).
      const idOf = new Map([...employee].map(([id, e]) => [e, id]));
      const tail = (e: string) => (idOf.get(e) ?? '').slice(24);
      const tied = new Set(['E1', 'E4', ...Array.from({ length: 10 }, (_, i) => `X${String(i)}`)]);
      const expected = [...tied].sort((a, b) => tail(a).localeCompare(tail(b)));
      expect(expected).not.toEqual([...tied].sort((a, b) => (idOf.get(a) ?? '').localeCompare(idOf.get(b) ?? '')));
      for (const sort of ['orgUnit', 'jobRole', 'hireDate'] as const) {
        expect(
          (await order(sort)).filter((e) => e !== undefined && e !== null && tied.has(e)),
          sort,
        ).toEqual(expected);
      }
    } finally {
      await auditor.lock();
      session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    }
  });
});
