import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FAMILY_NAMES, GIVEN_NAMES } from '../../src/core/demo/demoNames';

// A vault of `active` current people (plus one leaver for every hundred) and their completions,
// written as an HR roster CSV and an LMS completions CSV and imported with the built CLI: the
// real code path, and ~20 s for 100,000 people where `custodian demo` takes ~75 s. A few people
// are placed so that what a sort, filter or search must show is known by construction.

export const VAULT_USER = 'alice';
export const VAULT_PASSPHRASE = 'correct horse battery staple orbit';

const UNITS = [
  'Emergency',
  'Intensive Care',
  'Surgery',
  'Oncology',
  'Pediatrics',
  'Radiology',
  'Laboratory',
  'Pharmacy',
  'Facilities',
  'Human Resources',
  'IT',
  'Finance',
];
const ROLES = ['Registered Nurse', 'Physician', 'Pharmacist', 'Lab Technician', 'Radiographer', 'Care Assistant', 'Porter', 'Analyst', 'Clerk', 'Manager'];
/** Every hundred-and-first roster row is someone who has left. */
const LEAVER_EVERY = 101;

/** People placed by construction (roster rows 0, 1, 2 and 100). */
export const SENTINELS = {
  /** First by name (sort_name "aaberg ada"); also the oldest completion. */
  firstByName: { name: 'Aaberg, Ada', employeeId: 'E100000' },
  /** Last current employee by name; also the newest completion. */
  lastActiveByName: { name: 'Zyskowski, Zofia', employeeId: 'E100001' },
  /** The only Quackenbush, hired before anyone else. */
  searchTarget: { name: 'Quackenbush, Wilhelmina', employeeId: 'E100002', hireDate: '1987-06-01' },
  /** Left in 2023; sorts after everyone, so only "Left" and "All" end with him. */
  lastLeaverByName: { name: 'Zywiec, Zenon', employeeId: 'E100100' },
} as const;

export const OLDEST_COMPLETION = { person: SENTINELS.firstByName.name, course: 'Fire Safety', completedOn: '2018-02-03' };
export const NEWEST_COMPLETION = { person: SENTINELS.lastActiveByName.name, course: 'Fire Safety', completedOn: '2025-02-14' };

export interface RecordsVault {
  /** The vault folder; its display name is the folder name without ".custodian". */
  vault: string;
  name: string;
  user: string;
  passphrase: string;
  /** Current people who have not left (the People screen's default "Active" view). */
  active: number;
  leavers: number;
  completions: number;
  /** The highest employee id among active people (first row sorted by employee id, descending). */
  lastActiveEmployeeId: string;
  /** Wall-clock time to write both files and import them. */
  setupSeconds: number;
}

function employeeId(row: number): string {
  return `E${String(100_000 + row)}`;
}

function isLeaver(row: number): boolean {
  return row % LEAVER_EVERY === LEAVER_EVERY - 1;
}

function emailPart(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function isoDay(from: string, days: number): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

interface RosterRow {
  given: string;
  family: string;
  hireDate: string;
  left: string;
}

function rosterRow(row: number): RosterRow {
  const left = isLeaver(row) ? isoDay('2022-01-03', row % 700) : '';
  const hireDate = isoDay('1995-01-02', (row * 37) % 9_000);
  if (row === 0) return { given: 'Ada', family: 'Aaberg', hireDate, left };
  if (row === 1) return { given: 'Zofia', family: 'Zyskowski', hireDate, left };
  if (row === 2) return { given: 'Wilhelmina', family: 'Quackenbush', hireDate: SENTINELS.searchTarget.hireDate, left };
  if (row === LEAVER_EVERY - 1) return { given: 'Zenon', family: 'Zywiec', hireDate, left: '2023-09-29' };
  const given = GIVEN_NAMES[(row * 7) % GIVEN_NAMES.length] ?? 'Alex';
  const family = FAMILY_NAMES[(row * 13 + Math.floor(row / GIVEN_NAMES.length)) % FAMILY_NAMES.length] ?? 'Smith';
  return { given, family, hireDate, left };
}

function runCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bin/custodian', args, { env: { ...process.env, CUSTODIAN_PASSPHRASE: VAULT_PASSPHRASE }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`custodian ${args.join(' ')} exited with ${String(code)} (did you run npm run build?):\n${output}`));
    });
  });
}

/**
 * Creates `root/<name>.custodian` holding `active` current people, one leaver per hundred of
 * them, one completion each plus a second for every fifth, and the SENTINELS. Needs
 * `npm run build` (it runs `bin/custodian`, from the repository root).
 * @throws when the CLI fails (the message carries its stderr).
 */
export async function buildRecordsVault(root: string, options: { active: number; name?: string }): Promise<RecordsVault> {
  if (options.active < 100) throw new Error('buildRecordsVault needs at least 100 active people (the sentinels include a leaver at row 100)');
  const started = performance.now();
  const name = options.name ?? 'St Mary';
  const vault = join(root, `${name}.custodian`);
  const rows = options.active + Math.floor(options.active / (LEAVER_EVERY - 1));
  const roster = ['Employee ID,First Name,Last Name,Email,Department,Job Title,Hire Date,Termination Date'];
  const completions = ['Employee ID,Course,Completion Date,Score'];
  let leavers = 0;
  let lastActiveEmployeeId = '';
  for (let row = 0; row < rows; row++) {
    const person = rosterRow(row);
    const id = employeeId(row);
    if (person.left) leavers++;
    else lastActiveEmployeeId = id;
    const email = `${emailPart(person.given)}.${emailPart(person.family)}.${String(row)}@stmary.example`;
    roster.push(
      `${id},${person.given},${person.family},${email},${UNITS[row % UNITS.length] ?? ''},${ROLES[(row * 3) % ROLES.length] ?? ''},${person.hireDate},${person.left}`,
    );
    completions.push(`${id},Bloodborne Pathogens,${isoDay('2023-01-02', row % 700)},${String(60 + (row % 41))}`);
    if (row % 5 === 0) completions.push(`${id},HIPAA Privacy,${isoDay('2024-01-01', row % 365)},${String(70 + (row % 31))}`);
  }
  completions.push(`${SENTINELS.firstByName.employeeId},${OLDEST_COMPLETION.course},${OLDEST_COMPLETION.completedOn},88`);
  completions.push(`${SENTINELS.lastActiveByName.employeeId},${NEWEST_COMPLETION.course},${NEWEST_COMPLETION.completedOn},91`);
  const rosterFile = join(root, `${name} roster.csv`);
  const completionsFile = join(root, `${name} completions.csv`);
  writeFileSync(rosterFile, `${roster.join('\n')}\n`);
  writeFileSync(completionsFile, `${completions.join('\n')}\n`);
  await runCli(['init', vault, '--user', VAULT_USER, '--kdf', 'minimum']);
  await runCli(['import', vault, rosterFile, '--as', 'roster']);
  await runCli(['import', vault, completionsFile, '--as', 'completions']);
  return {
    vault,
    name,
    user: VAULT_USER,
    passphrase: VAULT_PASSPHRASE,
    active: rows - leavers,
    leavers,
    completions: completions.length - 1,
    lastActiveEmployeeId,
    setupSeconds: (performance.now() - started) / 1000,
  };
}
