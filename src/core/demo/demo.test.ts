import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import type { ReadableDb, SqlValue } from '../db/database';
import { listEvidence, readEvidence } from '../evidence/evidenceStore';
import { personDetail } from '../records/personDetail';
import { renewedCertifications } from '../../shared/records/certificationStatus';
import type { VaultSession } from '../vault/vaultSession';
import { DEMO_COURSES } from './demoCourses';
import { addMonths, dayFromIso, isoDay } from './demoDates';
import { FAMILY_NAMES, GIVEN_NAMES } from './demoNames';
import { DEMO_UNITS } from './demoOrganisation';
import type { DemoSummary } from './fillDemoVault';
import { fillDemoVault } from './fillDemoVault';
import { attemptsOf } from '../compliance/attemptTable';
import { loadComplianceData, PEOPLE_PER_RANGE } from '../compliance/complianceData';

// A real vault filled with a 300-person demo, checked from the outside: SQL over the records,
// pdftotext and qpdf over the decrypted PDFs, a PNG decoder over the scans.

const TODAY = new Date('2025-06-30T09:00:00Z');
const TODAY_ISO = '2025-06-30';
const temp = tempDir('custodian-demo-');
let session: VaultSession;
let summary: DemoSummary;

beforeAll(async () => {
  ({ session } = await makeVault(temp.dir, 'demo.custodian'));
  summary = await fillDemoVault(session, { people: 300, seed: 7, today: TODAY });
}, 60_000);
afterAll(async () => {
  await session.lock();
  temp.cleanup();
});

function query<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
  return session.read((db: ReadableDb) => db.all<T>(sql, params));
}

async function decrypt(target: VaultSession, id: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await readEvidence(
    target,
    id,
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks);
}

interface CompletionView {
  person_id: string;
  code: string;
  completed_on: string;
  passed: number | null;
  score: number | null;
  pass_mark: number | null;
  termination_date: string | null;
  hire_date: string;
}

describe('demo names', () => {
  it('has about 150 distinct given and family names, all drawable by the PDF standard fonts', () => {
    for (const names of [GIVEN_NAMES, FAMILY_NAMES]) {
      expect(names.length).toBeGreaterThanOrEqual(150);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[\u0020-\u007e\u00a0-\u00ff]+$/);
    }
  });
});

describe('a 300-person demo hospital', () => {
  it('has every kind of unit: clinical, laboratory, pharmacy, IT, administrative and the corporate office', async () => {
    const units = await query<{ name: string; people: number }>(
      'SELECT u.name, count(*) AS people FROM people p JOIN org_units u ON u.id = p.org_unit_id WHERE p.current = 1 GROUP BY u.name',
    );
    const kinds = new Set(units.map((u) => DEMO_UNITS.find((d) => d.name === u.name)?.kind));
    for (const kind of ['clinical', 'laboratory', 'pharmacy', 'it', 'administrative', 'corporate', 'diagnostic', 'support']) expect(kinds).toContain(kind);
    expect(units.map((u) => u.name)).toEqual(
      expect.arrayContaining(['Emergency Department', 'Intensive Care Unit', 'Laboratory', 'Pharmacy', 'Information Technology', 'Corporate Office']),
    );
    const roles = await query<{ name: string }>('SELECT name FROM job_roles');
    expect(roles.map((r) => r.name)).toEqual(expect.arrayContaining(['Registered Nurse', 'Pharmacist', 'IT Analyst', 'Chief Executive Officer']));
    expect(summary).toMatchObject({ people: 300, orgUnits: units.length, sites: 4, courses: DEMO_COURSES.length });
  });

  it('has plausible people: unique ids and e-mails, adults, reporting lines within the hospital', async () => {
    const people = await query<{
      employee_id: string;
      email: string;
      given_name: string;
      date_of_birth: string;
      hire_date: string;
      manager_employee_id: string | null;
      org_unit_id: string;
    }>('SELECT employee_id, email, given_name, date_of_birth, hire_date, manager_employee_id, org_unit_id FROM people WHERE current = 1');
    expect(people).toHaveLength(300);
    expect(new Set(people.map((p) => p.email)).size).toBe(300);
    expect(people.every((p) => /^[a-z]+\.[a-z]+\d*@riverside-regional\.example$/.test(p.email))).toBe(true);
    for (const p of people) expect(dayFromIso(p.hire_date) - dayFromIso(p.date_of_birth)).toBeGreaterThan(18 * 365);
    const byId = new Map(people.map((p) => [p.employee_id, p]));
    const withoutManager = people.filter((p) => p.manager_employee_id === null);
    expect(withoutManager).toHaveLength(1); // the chief executive
    for (const p of people) if (p.manager_employee_id !== null) expect(byId.has(p.manager_employee_id)).toBe(true);
    const sameUnit = people.filter((p) => p.manager_employee_id !== null && byId.get(p.manager_employee_id)?.org_unit_id === p.org_unit_id);
    expect(sameUnit.length / people.length).toBeGreaterThan(0.9);
    // Managers are senior: hired no later than the people who report to them, mostly.
    const senior = people.filter((p) => p.manager_employee_id !== null && (byId.get(p.manager_employee_id)?.hire_date ?? '') <= p.hire_date);
    expect(senior.length / (people.length - 1)).toBeGreaterThan(0.85);
  });

  it('has leavers and new hires, some of them recent', async () => {
    const since = isoDay(addMonths(dayFromIso(TODAY_ISO), -36));
    const [row] = await query<{ leavers: number; hires: number; recent: number; leftBeforeHired: number }>(
      `SELECT sum(termination_date IS NOT NULL) AS leavers, sum(hire_date >= ?) AS hires, sum(hire_date >= date(?, '-90 days')) AS recent,
              sum(termination_date < hire_date) AS leftBeforeHired FROM people WHERE current = 1`,
      [since, TODAY_ISO],
    );
    expect(row?.leavers).toBe(summary.leavers);
    expect(row?.leavers).toBeGreaterThan(20);
    expect(row?.leavers).toBeLessThan(150);
    expect(row?.hires).toBe(summary.newHires);
    expect(row?.hires).toBeGreaterThan(20);
    expect(row?.recent).toBeGreaterThan(0);
    expect(row?.leftBeforeHired).toBe(0);
  });

  it('has on-time, late, overdue, never-completed and failed-then-retaken training', async () => {
    const rows = await query<CompletionView>(
      `SELECT c.person_id, k.code, c.completed_on, c.passed, c.score, k.pass_mark, p.termination_date, p.hire_date
       FROM completions c JOIN courses k ON k.course_id = c.course_id AND k.current = 1 JOIN people p ON p.person_id = c.person_id AND p.current = 1
       WHERE c.current = 1 ORDER BY c.person_id, k.code, c.completed_on`,
    );
    expect(rows).toHaveLength(summary.completions);
    expect(rows.every((r) => r.completed_on <= TODAY_ISO && (r.termination_date === null || r.completed_on <= r.termination_date))).toBe(true);
    // Scores agree with the pass mark.
    for (const r of rows.filter((x) => x.pass_mark !== null)) expect(r.passed).toBe((r.score ?? 0) >= (r.pass_mark ?? 0) ? 1 : 0);

    const annual = new Set(DEMO_COURSES.filter((c) => c.recurrenceMonths === 12).map((c) => c.code));
    let onTime = 0;
    let late = 0;
    let retaken = 0;
    let overdue = 0;
    const groups = new Map<string, CompletionView[]>();
    for (const r of rows) groups.set(`${r.person_id}|${r.code}`, [...(groups.get(`${r.person_id}|${r.code}`) ?? []), r]);
    for (const group of groups.values()) {
      const passes = group.filter((r) => r.passed !== 0).map((r) => dayFromIso(r.completed_on));
      const first = group[0];
      if (!first) continue;
      if (annual.has(first.code)) {
        for (let i = 1; i < passes.length; i++) {
          const gap = (passes[i] ?? 0) - (passes[i - 1] ?? 0);
          if (gap <= 366) onTime++;
          if (gap > 366 + 30) late++;
        }
        const last = passes.at(-1);
        if (first.termination_date === null && last !== undefined && last < dayFromIso(TODAY_ISO) - 366) overdue++;
      }
      if (group.some((r, i) => r.passed === 0 && group.slice(i + 1).some((later) => later.passed === 1))) retaken++;
    }
    expect(onTime).toBeGreaterThan(500);
    expect(late).toBeGreaterThan(10);
    expect(overdue).toBeGreaterThan(5);
    expect(retaken).toBeGreaterThan(10);
    expect(summary.failedAttempts).toBeGreaterThan(retaken / 2);

    // Never completed: active people hired over 60 days ago with no HIPAA training on record.
    const [never] = await query<{ n: number }>(
      `SELECT count(*) AS n FROM people p WHERE p.current = 1 AND p.termination_date IS NULL AND p.hire_date < date(?, '-60 days')
         AND NOT EXISTS (SELECT 1 FROM completions c JOIN courses k ON k.course_id = c.course_id WHERE c.person_id = p.person_id AND k.code = 'HIPAA-PS' AND c.passed = 1)`,
      [TODAY_ISO],
    );
    expect(never?.n).toBeGreaterThan(0);
    expect(summary.neverCompleted).toBeGreaterThan(0);
    expect(summary.overdue).toBeGreaterThan(0);
  });

  it('has BLS and ACLS cards expiring at month end two years on, some within 30, 60 and 90 days', async () => {
    const cards = await query<{ name: string; issued_on: string; expires_on: string; termination_date: string | null; person_id: string }>(
      `SELECT c.name, c.issued_on, c.expires_on, p.termination_date, c.person_id FROM certifications c JOIN people p ON p.person_id = c.person_id AND p.current = 1
       WHERE c.current = 1 ORDER BY c.person_id, c.name, c.issued_on`,
    );
    expect(cards).toHaveLength(summary.certifications);
    expect(new Set(cards.map((c) => c.name))).toEqual(new Set(['BLS Provider', 'ACLS Provider']));
    for (const card of cards) {
      expect(isoDay(dayFromIso(card.expires_on) + 1).slice(8)).toBe('01'); // the last day of a month
      expect(card.expires_on.slice(4, 7)).toBe(card.issued_on.slice(4, 7)); // ... two years on
      expect(Number(card.expires_on.slice(0, 4)) - Number(card.issued_on.slice(0, 4))).toBe(2);
    }
    const latest = new Map<string, (typeof cards)[number]>();
    for (const card of cards) latest.set(`${card.person_id}|${card.name}`, card);
    const today = dayFromIso(TODAY_ISO);
    const expiringWithin = (days: number, name: string) =>
      [...latest.values()].filter(
        (c) => c.name === name && c.termination_date === null && dayFromIso(c.expires_on) >= today && dayFromIso(c.expires_on) <= today + days,
      ).length;
    expect(expiringWithin(30, 'BLS Provider')).toBeGreaterThan(0);
    expect(expiringWithin(60, 'BLS Provider')).toBeGreaterThan(expiringWithin(30, 'BLS Provider'));
    expect(expiringWithin(90, 'BLS Provider') + expiringWithin(90, 'ACLS Provider')).toBe(summary.certificationsExpiringIn90Days);
    expect(expiringWithin(90, 'ACLS Provider')).toBeGreaterThan(0);
    // Some people let a card lapse.
    expect([...latest.values()].some((c) => c.termination_date === null && dayFromIso(c.expires_on) < today)).toBe(true);
  });

  it('shows each card on the person page, a renewed card marked as replaced by the newer one', async () => {
    const [renewed] = await query<{ person_id: string }>(
      "SELECT person_id FROM certifications WHERE current = 1 AND name = 'BLS Provider' GROUP BY person_id HAVING count(*) >= 2 ORDER BY person_id LIMIT 1",
    );
    const detail = await personDetail(session, renewed?.person_id ?? '');
    const bls = detail.certifications.filter((c) => c.name === 'BLS Provider');
    expect(bls.length).toBeGreaterThanOrEqual(2);
    expect(bls.every((c) => c.issuer === 'Riverside Regional Training Center' && c.number !== null && c.version === 1 && c.versions.length === 1)).toBe(true);
    // Newest first; only the latest card says whether the person is certified.
    expect(bls.map((c) => c.expiresOn)).toEqual(
      bls
        .map((c) => c.expiresOn)
        .sort()
        .reverse(),
    );
    expect([...renewedCertifications(detail.certifications)]).toEqual(bls.slice(1).map((c) => c.certificationId));
  });

  it('has evidence: certificate PDFs and sign-in sheets that stock tools read, scans that decode', async () => {
    const evidence = (await listEvidence(session)).filter((e) => e.mediaType !== 'text/csv');
    expect(evidence).toHaveLength(15);
    expect(summary.evidence).toMatchObject({ certificates: 8, signInSheets: 3, scans: 4 });
    const names = new Map(
      (await query<{ person_id: string; name: string }>("SELECT person_id, given_name || ' ' || family_name AS name FROM people WHERE current = 1")).map(
        (p) => [p.person_id, p.name],
      ),
    );
    const links = await query<{ evidence_id: string; target_kind: string; target_id: string }>(
      "SELECT l.evidence_id, l.target_kind, l.target_id FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id WHERE e.media_type != 'text/csv'",
    );
    expect(links).toHaveLength(summary.evidence.links);
    const [dangling] = await query<{ n: number }>(
      `SELECT count(*) AS n FROM evidence_links l WHERE NOT EXISTS (SELECT 1 FROM people WHERE person_id = l.target_id) AND NOT EXISTS (SELECT 1 FROM completions WHERE completion_id = l.target_id)
         AND NOT EXISTS (SELECT 1 FROM certifications WHERE certification_id = l.target_id)`,
    );
    expect(dangling?.n).toBe(0);

    for (const meta of evidence) {
      const plaintext = await decrypt(session, meta.id);
      const linkedNames = links.filter((l) => l.evidence_id === meta.id && l.target_kind === 'person').map((l) => names.get(l.target_id) ?? '?');
      expect(linkedNames.length).toBeGreaterThan(0);
      expect(links.filter((l) => l.evidence_id === meta.id && l.target_kind === 'completion')).toHaveLength(linkedNames.length);
      if (meta.mediaType === 'application/pdf') {
        expect(plaintext.subarray(0, 5).toString()).toBe('%PDF-');
        const file = join(temp.dir, `${meta.id}.pdf`);
        writeFileSync(file, plaintext);
        const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
        expect(text.status).toBe(0);
        for (const name of linkedNames) expect(text.stdout).toContain(name);
        expect(text.stdout).toMatch(
          meta.fileName.startsWith('Sign-in')
            ? /Training Attendance Sign-In Sheet/
            : /Certificate of Completion[\s\S]*Certificate No\. [A-Z-]+-\d{4}-[0-9A-Z]{7}/,
        );
        const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
        expect(check.status, check.stdout + check.stderr).toBe(0);
        expect(check.stdout).toContain('No syntax or stream encoding errors found');
      } else {
        expect(meta.mediaType).toBe('image/png');
        expect(linkedNames).toHaveLength(1);
        expect(plaintext.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        expect(plaintext.subarray(12, 16).toString()).toBe('IHDR');
        expect([plaintext.readUInt32BE(16), plaintext.readUInt32BE(20)]).toEqual([850, 1100]);
        const image = await loadImage(plaintext);
        expect([image.width, image.height]).toEqual([850, 1100]);
      }
    }
    const kinds = evidence.map((e) => e.fileName.split(' ')[0]);
    expect(kinds.filter((k) => k === 'Certificate')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'Sign-in')).toHaveLength(3);
  });

  it('files monthly LMS completion reports (CSV) linked to the completions they list, with a month missing now and then', async () => {
    expect(summary.lmsReports.reports).toBeGreaterThan(20);
    const reports = (await listEvidence(session)).filter((e) => e.mediaType === 'text/csv');
    expect(reports).toHaveLength(summary.lmsReports.reports);
    const sample = reports[0];
    if (!sample) throw new Error('no report');
    const text = (await decrypt(session, sample.id)).toString('utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^# LMS completion report: .+ \([A-Z-]+\), \d{4}-\d{2}$/);
    expect(lines[1]).toBe('Employee ID,Learner,Course,Completed,Score,Status');
    const linked = await query<{ n: number }>("SELECT count(*) AS n FROM evidence_links WHERE evidence_id = ? AND target_kind = 'completion'", [sample.id]);
    expect(linked[0]?.n).toBe(lines.length - 2);
    const [all] = await query<{ n: number }>(
      "SELECT count(*) AS n FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id WHERE e.media_type = 'text/csv'",
    );
    expect(all?.n).toBe(summary.lmsReports.links);
  });

  it('gives every person the Unicode-folded sort key the people list sorts on', async () => {
    const [missing] = await query<{ n: number }>('SELECT count(*) AS n FROM people WHERE sort_name IS NULL');
    expect(missing?.n).toBe(0);
    const [sample] = await query<{ sort_name: string; family_name: string }>(
      "SELECT sort_name, family_name FROM people WHERE family_name GLOB '*[^ -~]*' LIMIT 1",
    );
    if (sample) expect(sample.sort_name).toMatch(/^[ -~]+$/); // diacritics folded: Núñez sorts as nunez
  });

  it('enables the packs a hospital answers to, adapted to its units, and reviews the evidence', async () => {
    const frameworks = await query<{ id: string }>('SELECT id FROM frameworks WHERE enabled = 1 ORDER BY id');
    expect(frameworks.map((f) => f.id)).toEqual(['gdpr', 'hipaa', 'osha-bbp', 'soc2']);
    const adapted = await query<{ requirement_id: string; reason: string }>(
      "SELECT requirement_id, reason FROM requirements WHERE current = 1 AND origin = 'adapted' ORDER BY requirement_id",
    );
    expect(adapted.map((r) => r.requirement_id)).toEqual(['gdpr.processing-on-instructions', 'gdpr.staff-training', 'osha-bbp.training', 'soc2.competence']);
    const reviews = await query<{ state: string; n: number }>('SELECT state, count(*) AS n FROM evidence_reviews GROUP BY state ORDER BY state');
    expect(reviews.map((r) => r.state)).toEqual(['accepted', 'rejected']);
  });

  it('logs one audit event per record, and the log verifies', async () => {
    const counts = await query<{ action: string; n: number }>('SELECT action, count(*) AS n FROM audit_log GROUP BY action');
    const count = (action: string) => counts.find((c) => c.action === action)?.n ?? 0;
    expect(count('person.create')).toBe(300);
    expect(count('completion.create')).toBe(summary.completions);
    expect(count('certification.create')).toBe(summary.certifications);
    expect(count('course.create')).toBe(DEMO_COURSES.length);
    expect(count('orgunit.create')).toBe(summary.orgUnits);
    expect(count('jobrole.create')).toBe(summary.jobRoles);
    expect(count('evidence.add')).toBe(15 + summary.lmsReports.reports);
    expect(count('evidence.link')).toBe(summary.evidence.links + summary.lmsReports.reports);
    const [reasons] = await query<{ n: number }>(
      "SELECT count(*) AS n FROM completions WHERE reason IS NOT 'demo data' OR recorded_by IS NOT ? OR version != 1",
      [session.principal.userId],
    );
    expect(reasons?.n).toBe(0);
    expect((await session.verifyLog()).ok).toBe(true);
  });

  it('loads the same compliance data read in one range of people or in many', async () => {
    const codes = await session.read((db) => db.all<{ code: string }>('SELECT DISTINCT lower(code) AS code FROM courses WHERE current = 1'));
    // Attempts as objects (not rows of each load's own table).
    const read = async (perRange: number) => {
      const data = await session.read((db) =>
        loadComplianceData(
          db,
          session.vaultId,
          codes.map((c) => c.code),
          { peoplePerRange: perRange },
        ),
      );
      return { unitNames: data.unitNames, people: data.people.map((p) => ({ ...p, attempts: attemptsOf(p.attempts) })) };
    };
    const whole = await read(PEOPLE_PER_RANGE);
    const ranged = await read(7);
    expect(whole.people.length).toBeGreaterThan(290);
    expect(whole.people.reduce((n, p) => n + p.attempts.length, 0)).toBeGreaterThan(1000);
    expect(ranged).toEqual(whole);
  });

  it('refuses to fill a vault that already holds people', async () => {
    await expect(fillDemoVault(session, { people: 10, today: TODAY })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already holds 300 person/) as unknown,
    });
  });

  it('refuses out-of-range options before touching anything', async () => {
    await expect(fillDemoVault(session, { people: 0 })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(fillDemoVault(session, { people: 10, years: 0 })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(fillDemoVault(session, { people: 10.5 })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

/** Record content without the times it was written: what the seed decides. */
async function canonicalDump(target: VaultSession): Promise<string> {
  return target.read((db) => {
    const tables = [
      'SELECT id, name FROM org_units ORDER BY id',
      'SELECT id, name FROM job_roles ORDER BY id',
      'SELECT course_id, code, title, course_version, provider, hours, pass_mark FROM courses ORDER BY course_id',
      'SELECT person_id, employee_id, given_name, family_name, email, date_of_birth, site, org_unit_id, job_role_id, manager_employee_id, hire_date, termination_date FROM people ORDER BY person_id',
      'SELECT completion_id, person_id, course_id, completed_on, score, passed, expires_on, trainer, delivery_method, certificate_number FROM completions ORDER BY completion_id',
      'SELECT certification_id, person_id, name, number, issued_on, expires_on, issuer FROM certifications ORDER BY certification_id',
      'SELECT e.sha256, e.size, e.file_name, e.media_type, e.person_id, l.target_kind, l.target_id FROM evidence e JOIN evidence_links l ON l.evidence_id = e.id ORDER BY e.sha256, l.target_kind, l.target_id',
    ];
    const parts: unknown[] = [];
    for (const sql of tables) parts.push(db.all(sql));
    return JSON.stringify(parts);
  });
}

describe('determinism', () => {
  it('the same seed gives the same records, ids and document bytes; another seed does not', async () => {
    const again = await makeVault(temp.dir, 'again.custodian');
    const other = await makeVault(temp.dir, 'other.custodian');
    try {
      const againSummary = await fillDemoVault(again.session, { people: 300, seed: 7, today: TODAY });
      await fillDemoVault(other.session, { people: 300, seed: 8, today: TODAY });
      expect(againSummary).toEqual(summary);
      const dump = await canonicalDump(session);
      expect(await canonicalDump(again.session)).toBe(dump);
      expect(await canonicalDump(other.session)).not.toBe(dump);
    } finally {
      await again.session.lock();
      await other.session.lock();
    }
  }, 60_000);
});

describe('a larger demo', () => {
  it('writes 1,000 people across several batches of 5,000 records, with a verifying log', async () => {
    const big = await makeVault(temp.dir, 'big.custodian');
    try {
      const result = await fillDemoVault(big.session, { people: 1000, seed: 3, years: 4, today: TODAY });
      expect(result.completions).toBeGreaterThan(15_000);
      expect(result.evidence.certificates + result.evidence.signInSheets + result.evidence.scans).toBe(50);
      const [row] = await big.session.read((db) =>
        db.all<{ people: number; completions: number; audit: number }>(
          "SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM completions) AS completions, (SELECT count(*) FROM audit_log WHERE action = 'completion.create') AS audit",
        ),
      );
      expect(row).toEqual({ people: 1000, completions: result.completions, audit: result.completions });
      expect(result.historyFrom).toBe('2021-06-30');
      expect((await big.session.verifyLog()).ok).toBe(true);
    } finally {
      await big.session.lock();
    }
  }, 60_000);
});
