import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import type { DemoSummary } from '../../core/demo/fillDemoVault';
import type { CreatedVault } from '../../core/vault/createVault';
import type { VaultSession } from '../../core/vault/vaultSession';
import { custodianError } from '../errors';
import { parseKdfFlag } from '../kdfFlag';
import { say, sayJson } from '../output';
import { readPassphrase } from '../passphrase';
import { withVault } from '../unlock';

interface DemoFlags {
  people: string;
  seed: string;
  years: string;
  user?: string;
  passphraseFile?: string;
  kdf: string;
  json?: boolean;
}

async function wholeNumber(name: string, value: string): Promise<number> {
  if (!/^\d{1,10}$/.test(value)) throw await custodianError('validation_failed', `--${name} must be a whole number`);
  return Number(value);
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function printSummary(s: DemoSummary, seconds: number): void {
  const docs = s.evidence.certificates + s.evidence.signInSheets + s.evidence.scans;
  say(`Demo organisation, seed ${String(s.seed)}: ${String(s.years)} year(s) of history, ${s.historyFrom} to ${s.today}.`);
  say(`  people          ${n(s.people)} (${n(s.activePeople)} active, ${n(s.leavers)} leavers, ${n(s.newHires)} hired since ${s.historyFrom})`);
  say(`  organisation    ${n(s.orgUnits)} units, ${n(s.jobRoles)} job roles, ${n(s.sites)} sites`);
  say(`  courses         ${n(s.courses)}`);
  say(
    `  completions     ${n(s.completions)} (${n(s.onTime)} on time, ${n(s.late)} late, ${n(s.failedAttempts)} failed attempts, ${n(s.retaken)} passed on a retake)`,
  );
  say(`  gaps            ${n(s.overdue)} overdue, ${n(s.neverCompleted)} never completed`);
  say(`  certifications  ${n(s.certifications)} (${n(s.certificationsExpiringIn90Days)} current cards expire within 90 days)`);
  say(
    `  evidence        ${n(docs)} documents: ${n(s.evidence.certificates)} certificates, ${n(s.evidence.signInSheets)} sign-in sheets, ${n(s.evidence.scans)} scans (${n(s.evidence.links)} links)`,
  );
  say(`  LMS reports     ${n(s.lmsReports.reports)} monthly completion reports (${n(s.lmsReports.links)} links)`);
  say(`  took ${seconds.toFixed(1)} s`);
}

/** Progress on a terminal only: scripts and --json get clean output. */
function progressReporter(json: boolean): ((stage: string, done: number, total: number) => void) | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  return (stage, done, total) => {
    process.stderr.write(`\r  ${stage} ${n(done)}/${n(total)}   ${done === total ? '\n' : ''}`);
  };
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('fill a vault (created if absent) with a demo hospital: people, training history, certifications and evidence')
    .argument('<vault>')
    .option('--people <n>', 'people on the roster, leavers included', '400')
    .option('--seed <s>', 'the same seed gives the same organisation', '1')
    .option('--years <y>', 'years of training history', '3')
    .option('--user <name>', 'the administrator (default: admin for a new vault, else the first administrator)')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .option('--kdf <mode>', 'for a new vault, Argon2id cost: calibrate (0.5-1 s here) or minimum (64 MiB, t=3)', 'calibrate')
    .option('--json', "print the counts (and a new vault's recovery key) as JSON")
    .action(async (vault: string, flags: DemoFlags) => {
      const { checkDemoOptions, fillDemoVault } = await import('../../core/demo/fillDemoVault');
      const { createVault } = await import('../../core/vault/createVault');
      const { vaultPaths } = await import('../../core/vault/vaultPaths');
      const { wipe } = await import('../../core/crypto/wipe');
      const options = checkDemoOptions({
        people: await wholeNumber('people', flags.people),
        seed: await wholeNumber('seed', flags.seed),
        years: await wholeNumber('years', flags.years),
      });
      const kdf = await parseKdfFlag(flags.kdf);
      const dir = resolve(vault);
      const json = flags.json ?? false;
      const onProgress = progressReporter(json);
      const fill = async (session: VaultSession) => {
        const start = performance.now();
        const summary = await fillDemoVault(session, { ...options, ...(onProgress ? { onProgress } : {}) });
        return { summary, seconds: (performance.now() - start) / 1000 };
      };

      const isVault = await stat(vaultPaths(dir).header).then(
        () => true,
        () => false,
      );
      if (isVault) {
        const { summary, seconds } = await withVault(dir, flags, fill);
        if (json) sayJson({ vault: dir, created: false, ...summary, seconds });
        else printSummary(summary, seconds);
        return;
      }

      const user = flags.user ?? 'admin';
      const passphrase = await readPassphrase(flags.passphraseFile, `Passphrase for ${user}: `);
      let created: CreatedVault;
      try {
        created = await createVault(dir, { user, passphrase, kdf });
      } finally {
        wipe(passphrase);
      }
      const identity = { vault: dir, created: true, vaultId: created.vaultId, recoveryKey: created.recoveryKey };
      if (!json) {
        say(`Vault created: ${dir} (id ${created.vaultId}), administrator ${user}.`);
        say('Recovery key (shown once: print it and keep it somewhere safe; it opens the vault if every passphrase is lost):');
        say(`  ${created.recoveryKey}`);
      }
      try {
        const { summary, seconds } = await fill(created.session);
        if (json) sayJson({ ...identity, ...summary, seconds });
        else printSummary(summary, seconds);
      } catch (error) {
        // The vault exists now: its recovery key must not be lost with the error.
        if (json) sayJson(identity);
        throw error;
      } finally {
        await created.session.lock();
      }
    });
}
