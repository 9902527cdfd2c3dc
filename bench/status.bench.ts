import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { localToday } from '../src/core/compliance/calendarDate';
import { complianceReport } from '../src/core/compliance/complianceReport';
import { FRAMEWORK_PACKS } from '../src/core/compliance/frameworkPacks';
import { enableFramework } from '../src/core/compliance/requirementStore';
import { fillDemoVault } from '../src/core/demo/fillDemoVault';
import { createVault } from '../src/core/vault/createVault';
import { openVault } from '../src/core/vault/openVault';
import type { VaultSession } from '../src/core/vault/vaultSession';
import type { Figure } from './measure';
import { STATUS_SQL } from './statusSql';

// Issue 5: status of 100,000 people x every requirement of the five packs (11) as of one date,
// against the same computation as one plain SQL query over the same data, in the same run.
// Building the 100,000-person demo vault takes about two minutes; to reuse one, set
// CUSTODIAN_BENCH_STATUS_VAULT=DIR (made by `custodian demo DIR --people 100000`) and
// CUSTODIAN_BENCH_STATUS_PASSPHRASE_FILE. CUSTODIAN_BENCH_PEOPLE lowers the size.

const PEOPLE = Number(process.env.CUSTODIAN_BENCH_PEOPLE ?? 100_000);
const PASSPHRASE = 'correct horse battery staple orbit';

async function benchVault(dir: string): Promise<VaultSession> {
  const given = process.env.CUSTODIAN_BENCH_STATUS_VAULT;
  if (given && existsSync(given)) {
    const passphraseFile = process.env.CUSTODIAN_BENCH_STATUS_PASSPHRASE_FILE;
    const passphrase = passphraseFile ? readFileSync(passphraseFile, 'utf8').trim() : 'riverside demo vault passphrase';
    const user = process.env.CUSTODIAN_BENCH_STATUS_USER ?? 'admin';
    return openVault(given, { user, passphrase: Buffer.from(passphrase) });
  }
  const { session } = await createVault(join(dir, 'status.custodian'), { user: 'alice', passphrase: Buffer.from(PASSPHRASE), kdf: 'minimum' });
  await fillDemoVault(session, { people: PEOPLE });
  return session;
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

export async function benchStatus(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-status-'));
  try {
    const session = await benchVault(dir);
    // In force long before the date asked about, as the SQL baseline assumes (no effective date).
    for (const pack of FRAMEWORK_PACKS) await enableFramework(session, pack.id, { effectiveFrom: '2000-01-01' });
    const asOf = localToday();
    const sql = STATUS_SQL.replaceAll(':asOf', '?1');

    // The engine reads the vault once per change (then serves the dashboard from memory):
    // cold is the first report after a change, warm every later one.
    let pairs = 0;
    let requirements = 0;
    let people = 0;
    const engineCounts = new Map<string, number>();
    const cold = await seconds(async () => {
      const report = await complianceReport(session, { asOf });
      people = report.people;
      for (const f of report.frameworks)
        for (const r of f.requirements) for (const [status, n] of Object.entries(r.counts)) engineCounts.set(`${r.requirementId} ${status}`, n);
      requirements = report.frameworks.reduce((n, f) => n + f.requirements.length, 0);
      pairs = report.frameworks.reduce((n, f) => n + f.requirements.reduce((m, r) => m + Object.values(r.counts).reduce((a, b) => a + b, 0), 0), 0);
    });
    const warm = await seconds(() => complianceReport(session, { asOf }));
    let sqlRows: { rid: string; status: string; n: number }[] = [];
    const baseline = await seconds(async () => {
      sqlRows = await session.read((db) => db.all<{ rid: string; status: string; n: number }>(sql, [asOf]));
    });
    // How far the simplified query agrees with the engine: pairs given the same status.
    const agreed = sqlRows.reduce((sum, row) => sum + Math.min(row.n, engineCounts.get(`${row.rid} ${row.status}`) ?? 0), 0);
    await session.lock();
    if (sqlRows.length === 0 || pairs !== people * requirements)
      throw new Error(`unexpected result: ${String(pairs)} pairs, ${String(sqlRows.length)} SQL rows`);
    const what = `status of ${String(people)} people x ${String(requirements)} requirements`;
    const sqlName = `the same computation as one plain SQL query (same status for ${(100 * (agreed / pairs)).toFixed(1)}% of pairs)`;
    return [
      {
        name: `${what}, first report after a change (reads the vault)`,
        value: cold,
        unit: 's',
        baseline: { name: sqlName, value: baseline, unit: 's' },
        goal: '<= 2 s',
      },
      { name: `${what}, later reports (from memory)`, value: warm, unit: 's', baseline: { name: sqlName, value: baseline, unit: 's' }, goal: '<= 2 s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
