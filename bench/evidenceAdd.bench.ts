import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Figure } from './measure';

// Issue 11: `custodian evidence add` of a 512 MiB file, end to end through the CLI (start-up and
// unlock included), against stock `age -r` on the same file, and against `age -r` followed by an
// fsync of its output (evidence add fsyncs the blob before naming it; age does not). Peak RSS
// from /usr/bin/time when it is installed. CUSTODIAN_BENCH_EVIDENCE_MIB changes the size.

const MIB = Number(process.env.CUSTODIAN_BENCH_EVIDENCE_MIB ?? 512);
const PASSPHRASE = 'correct horse battery staple orbit';
const TIME = '/usr/bin/time';

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { seconds: number; rssMb: number | null } {
  const withTime = existsSync(TIME);
  const start = performance.now();
  const result = withTime ? spawnSync(TIME, ['-f', '%M', command, ...args], { env, encoding: 'utf8' }) : spawnSync(command, args, { env, encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  const kb = withTime ? Number(/(\d+)\s*$/.exec(result.stderr)?.[1]) : Number.NaN;
  return { seconds, rssMb: Number.isFinite(kb) ? kb / 1024 : null };
}

export function benchEvidenceAdd(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-evidence-'));
  try {
    const file = join(dir, 'evidence.bin');
    const fd = openSync(file, 'w');
    for (let i = 0; i < MIB; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    const cli = fileURLToPath(new URL('../cli/custodian.js', import.meta.url));
    const env = { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE };
    const vault = join(dir, 'bench.custodian');
    timed(process.execPath, [cli, 'init', vault, '--user', 'alice', '--kdf', 'minimum'], env);
    const keygen = spawnSync('age-keygen', [], { encoding: 'utf8' });
    const recipient = /age1[0-9a-z]+/.exec(keygen.stdout + keygen.stderr)?.[0];
    if (!recipient) throw new Error('age-keygen is needed for the baseline');
    const out = join(dir, 'out.age');
    const age = timed('age', ['-r', recipient, '-o', out, file]);
    rmSync(out);
    const ageSynced = timed('sh', ['-c', `age -r ${recipient} -o '${out}' '${file}' && sync '${out}'`]);
    rmSync(out);
    const ours = timed(process.execPath, [cli, 'evidence', 'add', vault, file], env);
    const rss = ours.rssMb === null ? '' : `; peak RSS ${ours.rssMb.toFixed(0)} MB, goal < 150 MB`;
    return Promise.resolve([
      {
        name: `evidence add of ${String(MIB)} MiB through the CLI, unlock included${rss}`,
        value: ours.seconds,
        unit: 's',
        baseline: { name: 'stock age -r on the same file', value: age.seconds, unit: 's' },
        goal: '<= 1.5x baseline',
      },
      {
        name: `evidence add of ${String(MIB)} MiB, the same run`,
        value: ours.seconds,
        unit: 's',
        baseline: { name: 'stock age -r, then sync of its output (evidence add fsyncs the blob)', value: ageSynced.seconds, unit: 's' },
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
