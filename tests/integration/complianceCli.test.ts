import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// `custodian framework`, `requirement`, `status`, `retention` and `evidence review` as an
// officer scripts them: the real bin on a real vault.

const PASSPHRASE = 'correct horse battery staple orbit';
const temp = tempDir('custodian-compliance-cli-');
const vault = join(temp.dir, 'clinic.custodian');

function custodian(args: string[]) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, content: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}

interface StatusJson {
  asOf: string;
  overall: {
    score: number | null;
    components: { id: string; weight: number; value: number | null; contribution: number }[];
    gaps: { requirementId: string | null; kind: string }[];
  };
  frameworks: { id: string; requirements: { requirementId: string; counts: Record<string, number> }[] }[];
  pairs?: { personId: string; requirementId: string; status: string; dueOn: string | null }[];
}

beforeAll(() => {
  expect(custodian(['init', vault, '--user', 'alice', '--kdf', 'minimum']).code).toBe(0);
  const roster = write(
    'roster.csv',
    'Employee ID,First Name,Last Name,Department,Job Title,Hire Date\nN1,Mary,Seacole,ICU,Registered Nurse,2019-05-01\nN2,Clara,Barton,ICU,Registered Nurse,2019-05-01\nA1,Ada,Clerk,Administration,Clerk,2019-05-01\n',
  );
  expect(custodian(['import', vault, roster]).code).toBe(0);
  const completions = write(
    'lms.csv',
    'Employee ID,Course Code,Completion Date,Score\nN1,SHARPS,2025-02-28,90\nN2,SHARPS,2024-01-10,95\nA1,SHARPS,2025-01-10,60\n',
  );
  expect(custodian(['import', vault, completions]).code).toBe(0);
}, 60_000);
afterAll(() => {
  temp.cleanup();
});

describe('custodian requirement and status', () => {
  it('requirement add checks its flags and adds a versioned, logged requirement; list shows it', () => {
    const bad = custodian(['requirement', 'add', vault, '--id', 'site.sharps', '--title', 'Sharps safety', '--course', 'SHARPS', '--every', 'fortnightly']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--every takes 12m, 1y or none/);
    const added = custodian([
      'requirement',
      'add',
      vault,
      '--id',
      'site.sharps',
      '--title',
      'Sharps safety',
      '--course',
      'SHARPS',
      '--every',
      '1y',
      '--grace',
      '30d',
      '--applies',
      'role=Registered Nurse',
      '--min-score',
      '80',
      '--effective',
      '2019-01-01',
      '--json',
    ]);
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout)).toMatchObject({
      requirementId: 'site.sharps',
      version: 1,
      origin: 'custom',
      rule: { recurrenceMonths: 12, graceDays: 30, appliesTo: { roles: ['registered nurse'] }, courses: { minScore: 80 } },
    });
    const again = custodian([
      'requirement',
      'add',
      vault,
      '--id',
      'site.sharps',
      '--title',
      'Sharps safety',
      '--course',
      'SHARPS',
      '--every',
      '1y',
      '--grace',
      '30d',
      '--applies',
      'role=Registered Nurse',
      '--min-score',
      '80',
    ]);
    expect(again.stderr).toMatch(/nothing changed/);
    expect(custodian(['requirement', 'list', vault]).stdout).toContain('site.sharps v1 (custom)');
  });

  it('status --json --as-of counts each status, with the score, its components and gaps; --people gives one row per pair', () => {
    const result = custodian(['status', vault, '--as-of', '2025-03-15', '--json', '--people']);
    expect(result.stderr).toBe('');
    const status = JSON.parse(result.stdout) as StatusJson;
    expect(status.asOf).toBe('2025-03-15');
    const sharps = status.frameworks.find((f) => f.id === 'custom')?.requirements[0];
    // N1 current; N2 trained 2024-01-10, due 2025-01-10, grace 30 days -> expired on 2025-03-15; A1 is a clerk.
    expect(sharps?.counts).toEqual({ compliant: 1, expired: 1, not_applicable: 1 });
    expect(status.overall.components.map((c) => c.weight)).toEqual([25, 25, 15, 15, 10, 10]);
    expect(status.overall.gaps[0]).toMatchObject({ requirementId: 'site.sharps', kind: 'expired' });
    expect(status.pairs).toHaveLength(3);
    // As of 1 February 2025 (a timestamp in New York) N2 was still within grace: overdue, not expired; N1 had not trained yet.
    const february = JSON.parse(custodian(['status', vault, '--as-of', '2025-02-01T08:00:00-05:00', '--json']).stdout) as StatusJson;
    expect(february.asOf).toBe('2025-02-01');
    expect(february.frameworks[0]?.requirements[0]?.counts).toEqual({ never_trained: 1, overdue: 1, not_applicable: 1 });
    const text = custodian(['status', vault, '--as-of', '2025-03-15']);
    expect(text.stdout).toMatch(/Audit Readiness as of 2025-03-15: \d+\.\d \/ 100/);
    expect(custodian(['status', vault, '--as-of', 'yesterday']).code).toBe(2);
    // Piped into a reader that leaves early (`| head -1`): no EPIPE crash, nothing on stderr.
    const piped = spawnSync('sh', ['-c', `bin/custodian status '${vault}' --as-of 2025-03-15 --people | head -1`], {
      encoding: 'utf8',
      env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE },
    });
    expect(piped.stdout).toMatch(/^Audit Readiness as of 2025-03-15/);
    expect(piped.stderr).toBe('');
    // People by employee id and name, never by internal record id.
    const people = custodian(['status', vault, '--as-of', '2025-03-15', '--people']).stdout;
    expect(people).toContain('N2 Barton, Clara\tsite.sharps\texpired');
    expect(people).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('framework enable adds a pack, is logged, and counts in the status; retention lists disposal dates', () => {
    expect(custodian(['framework', 'enable', vault, 'nope']).code).not.toBe(0);
    // By default a pack is in force from today: on a past date it applies to no one.
    expect(custodian(['framework', 'enable', vault, 'osha-bbp']).stdout).toContain('osha-bbp enabled: 1 requirement(s) added');
    const before = JSON.parse(custodian(['status', vault, '--framework', 'osha-bbp', '--as-of', '2025-03-15', '--json']).stdout) as StatusJson;
    expect(before.frameworks[0]?.requirements[0]?.counts).toEqual({ not_applicable: 3 });
    expect(before.overall.score).toBeNull();
    // Today, the day it takes effect, the three untrained are within onboarding grace (0 days), and the status says so.
    expect(custodian(['status', vault, '--framework', 'osha-bbp']).stdout).toContain('3 training(s) within onboarding grace, not yet counted');
    // In force from a stated day: a new, logged version; the same date now counts.
    const enabled = custodian(['framework', 'enable', vault, 'osha-bbp', '--effective', '2019-01-01']);
    expect(enabled.stdout).toContain('osha-bbp enabled: 0 requirement(s) added, 1 updated');
    expect(custodian(['framework', 'enable', vault, 'osha-bbp', '--effective', 'soon']).code).toBe(2);
    expect(custodian(['framework', 'list', vault]).stdout).toMatch(/\* osha-bbp/);
    const status = JSON.parse(custodian(['status', vault, '--framework', 'osha-bbp', '--as-of', '2025-03-15', '--json']).stdout) as StatusJson;
    expect(status.frameworks.map((f) => f.id)).toEqual(['osha-bbp']);
    expect(status.frameworks[0]?.requirements[0]?.counts).toEqual({ never_trained: 3 }); // nobody took BBP
    expect(custodian(['retention', vault, '--as-of', '2025-03-15']).stdout).toContain('0 training record(s) under a retention rule');
    const log = custodian(['log', 'verify', vault]);
    expect(log.code).toBe(0);
  });

  it('evidence review accepts or rejects (with a reason) a stored file, signed; evidence list finds it by person and state', () => {
    const added = custodian(['evidence', 'add', vault, write('sheet.txt', 'sign-in sheet'), '--person', 'N1', '--document-date', '2025-02-28', '--json']);
    const id = (JSON.parse(added.stdout) as { id: string }).id;
    expect(custodian(['evidence', 'add', vault, write('x.txt', 'x'), '--person', 'Z9']).stderr).toMatch(/Nobody in this vault is Z9/);
    expect(custodian(['evidence', 'list', vault, '--state', 'pending']).stdout).toMatch(
      new RegExp(`${id}  2025-02-28  pending +sheet.txt  \\[N1 Seacole, Mary\\]`),
    );
    expect(custodian(['evidence', 'review', vault, id, '--reject']).stderr).toMatch(/why/);
    expect(custodian(['evidence', 'review', vault, id, '--reject', '--reason', 'illegible']).stdout).toMatch(
      /rejected: signed by alice at .*, meaning "rejected"/,
    );
    // The printed name a signature shows (21 CFR 11.50): the user's full name once set.
    expect(custodian(['user', 'full-name', vault, '--full-name', 'Alice Archer, RN']).stdout).toContain('alice signs as Alice Archer, RN');
    expect(custodian(['evidence', 'review', vault, id, '--accept', '--meaning', 'reviewed']).stdout).toMatch(
      /accepted: signed by Alice Archer, RN .*meaning "reviewed"/,
    );
    expect(custodian(['evidence', 'review', vault, 'no-such-id', '--accept']).code).not.toBe(0);
    const listed = custodian(['evidence', 'list', vault, '--person', 'N1', '--json']).stdout.trim().split('\n');
    expect(listed).toHaveLength(1);
    expect(JSON.parse(listed[0] as string)).toMatchObject({
      evidenceId: id,
      state: 'accepted',
      review: { meaning: 'reviewed', printedName: 'Alice Archer, RN', signed: true },
    });
    expect(custodian(['evidence', 'list', vault, '--state', 'pending']).stdout).toMatch(/^0 evidence file/);
    expect(custodian(['evidence', 'list', vault, '--state', 'lost']).code).toBe(2);
    // The vault's policy can bar admins from reviewing their own uploads (logged); alice added this file.
    expect(custodian(['policy', vault, '--deny-self-review', 'reviewer,admin', '--reason', 'two-person rule']).stdout).toContain(
      'admin, reviewer may not sign',
    );
    const barred = custodian(['evidence', 'review', vault, id, '--accept']);
    expect(barred.code).toBe(5);
    expect(barred.stderr).toMatch(/policy does not let an admin sign a review of evidence they added/);
    expect(custodian(['policy', vault, '--deny-self-review', 'wizard', '--reason', 'x']).code).toBe(2);
  });

  it('an empty vault with HIPAA enabled has no score (not 100) and says what to import first; each requirement part is not measured', () => {
    const empty = join(temp.dir, 'empty.custodian');
    expect(custodian(['init', empty, '--user', 'alice', '--kdf', 'minimum']).code).toBe(0);
    expect(custodian(['framework', 'enable', empty, 'hipaa']).code).toBe(0);
    const json = custodian(['status', empty, '--json']);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout) as StatusJson;
    expect(status.overall.score).toBeNull();
    expect(status.overall.components.filter((c) => c.id !== 'integrity').map((c) => [c.value, c.contribution])).toEqual(Array(5).fill([null, 0]));
    const text = custodian(['status', empty]);
    expect(text.stdout).toMatch(/^Audit Readiness as of \d{4}-\d{2}-\d{2}: no score \(0 people\)\. Nobody is on file: import the roster first/);
    expect(text.stdout).toMatch(/Coverage +weight +25 +not measured \(no points\)/);
    expect(text.stdout).not.toMatch(/100\.0 \/ 100/);

    // Disabling asks why; the reason goes into the log and `framework list` shows it.
    const bare = custodian(['framework', 'disable', empty, 'hipaa']);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toMatch(/--reason/);
    const short = custodian(['framework', 'disable', empty, 'hipaa', '--reason', 'because']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/one line of 10 to 1,000 characters/);
    expect(custodian(['framework', 'disable', empty, 'hipaa', '--reason', 'no PHI held at this site since the sale']).code).toBe(0);
    const list = custodian(['framework', 'list', empty]);
    expect(list.stdout).toMatch(/^ {2}hipaa .*\n {4}disabled \d{4}-\d{2}-\d{2} by alice: no PHI held at this site since the sale$/m);
    const packs = JSON.parse(custodian(['framework', 'list', empty, '--json']).stdout) as { id: string; disabled: { by: string; reason: string } | null }[];
    expect(packs.find((f) => f.id === 'hipaa')?.disabled).toMatchObject({ by: 'alice', reason: 'no PHI held at this site since the sale' });

    // One requirement withdrawn: asked why, logged, listed with the reason.
    expect(custodian(['requirement', 'add', empty, '--id', 'site.fire', '--title', 'Fire safety', '--course', 'FIRE', '--every', '1y']).code).toBe(0);
    expect(custodian(['requirement', 'withdraw', empty, 'site.fire']).stderr).toMatch(/--reason/);
    expect(custodian(['requirement', 'withdraw', empty, 'site.fire', '--reason', 'the landlord runs fire training now']).code).toBe(0);
    expect(custodian(['requirement', 'list', empty]).stdout).toMatch(/^site\.fire withdrawn \d{4}-\d{2}-\d{2} by alice: the landlord runs fire training now$/m);
  });
});
