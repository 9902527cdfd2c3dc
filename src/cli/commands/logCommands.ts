import { readFile, writeFile } from 'node:fs/promises';
import { sshPrincipal } from '../../core/crypto/sshPrincipal';
import type { Command } from 'commander';
import type { LogAnchors, LogVerification } from '../../core/audit/verifyLog';
import type { BlobProgress, BlobVerification } from '../../core/evidence/verifyBlobs';
import type { VaultSession } from '../../core/vault/vaultSession';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { unlockOptions, withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

interface VerifyFlags extends UnlockFlags {
  json?: boolean;
  trusted?: string;
  since?: string;
  /** Commander's `--no-blobs`. */
  blobs: boolean;
}

/** On a terminal, one self-overwriting line on stderr; nothing when piped (stderr is for errors). */
function blobProgress(progress: BlobProgress): void {
  if (!process.stderr.isTTY) return;
  const share = progress.totalBytes > 0 ? Math.floor((100 * progress.bytes) / progress.totalBytes) : 100;
  process.stderr.write(`\revidence: ${String(progress.done)}/${String(progress.total)} files, ${String(share)}%`);
  if (progress.done === progress.total) process.stderr.write('\n');
}

/**
 * Verifies the whole log (and, with `blobs`, every evidence blob); fails (exit 4) with the first
 * problem, so nothing is printed from a broken log.
 */
async function verified(session: VaultSession, anchors: LogAnchors = {}, blobs = false): Promise<LogVerification & { blobs: BlobVerification | null }> {
  session.require('log.verify', 'verify the audit log');
  const result = await session.verifyLog(anchors, { blobs, onBlobProgress: blobProgress });
  if (!result.ok) {
    const where = result.problem?.seq !== null && result.problem?.seq !== undefined ? ` at entry ${String(result.problem.seq)}` : '';
    throw await custodianError('log_tampered', `audit log verification failed${where}: ${result.problem?.reason ?? 'unknown problem'}`);
  }
  return result;
}

async function readAnchorFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw await custodianError('not_found', `Cannot read the ${what} file ${file}.`);
  }
}

async function anchorsFrom(flags: VerifyFlags): Promise<LogAnchors> {
  const anchors: LogAnchors = {};
  if (flags.trusted) {
    const { parseTrustedKeys } = await import('../../core/audit/trustedKeys');
    anchors.trusted = parseTrustedKeys(await readAnchorFile(flags.trusted, '--trusted'));
  }
  if (flags.since) {
    const { parseCheckpointNote } = await import('../../core/audit/checkpoint');
    const note = parseCheckpointNote(await readAnchorFile(flags.since, '--since'));
    if (!note) throw await custodianError('validation_failed', `${flags.since} is not a checkpoint printed by \`custodian log checkpoint\`.`);
    anchors.since = note;
  }
  return anchors;
}

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('the tamper-evident audit log');
  unlockOptions(
    log
      .command('verify')
      .description(
        'recompute the log, walk its key chain, check every signed checkpoint and every evidence blob; exit 0 if intact. ' +
          'Without --trusted or --since this proves internal consistency only.',
      )
      .argument('<vault>'),
  )
    .option('--trusted <file>', 'the genesis key you kept: `log fingerprint` output (allowed_signers) or SHA256: fingerprints')
    .option('--since <file>', 'a checkpoint you kept (`log checkpoint` output): prove the log still extends it')
    .option('--no-blobs', 'skip decrypting and hashing every evidence file (checked by default)')
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: VerifyFlags) => {
      const anchors = await anchorsFrom(flags);
      const result = await withVault(vault, flags, (session) => verified(session, anchors, flags.blobs));
      if (flags.json) {
        sayJson(result);
        return;
      }
      say(`ok: ${String(result.size)} entries, ${String(result.checkpoints)} signed checkpoints, root ${result.root}`);
      if (result.blobs) say(`evidence: ${String(result.blobs.checked)} files present, decrypted with their own keys, size and SHA-256 as recorded`);
      if (result.genesis) say(`key chain: ${String(result.keys.length)} keys from genesis ${result.genesis.fingerprint} (${result.genesis.user})`);
      if (result.legacyEntries > 0) say(`entries 0-${String(result.legacyEntries - 1)} predate the key chain: their checkpoints sign neither signer nor time`);
      if (result.anchored.trusted) say('anchored: the genesis key is one you trust (--trusted)');
      if (result.anchored.since) say(`anchored: the log extends the checkpoint you kept at ${String(result.anchored.since.size)} entries (--since)`);
      if (!result.anchored.trusted && !result.anchored.since) {
        say(
          'internal consistency only: give --trusted (the genesis fingerprint) or --since (a kept checkpoint) to catch a rewrite by someone holding the vault key',
        );
      }
    });

  unlockOptions(
    log
      .command('fingerprint')
      .description("print the genesis key as an allowed_signers line: keep it (it is a valid --trusted file) and it proves the log's origin")
      .argument('<vault>'),
  )
    .option('--all', 'every key of the chain (for `ssh-keygen -Y verify` of checkpoints signed by later keys)')
    .action(async (vault: string, flags: UnlockFlags & { all?: boolean }) => {
      const result = await withVault(vault, flags, (session) => verified(session));
      if (!result.genesis)
        throw await custodianError('conflict', 'This log predates the key chain; the next change made with this version (any logged action) begins it.');
      const { sshPublicKeyLine } = await import('../../core/crypto/sshsig');
      const keys = flags.all ? result.keys : [result.genesis];
      for (const key of keys) {
        const role = key === result.genesis ? 'genesis key' : 'key';
        const retired = key.retiredAt === null ? '' : `, retired at entry ${String(key.retiredAt)}`;
        say(`# Custodian audit log ${role} of ${key.user} (vault ${vaultIdOf(result)}), enrolled at entry ${String(key.enrolledAt)}${retired}`);
        say(`# ${key.fingerprint}`);
        // Only the genesis line carries custodian-genesis: the one line a --trusted file may trust.
        const namespaces = key === result.genesis ? 'custodian-checkpoint,custodian-packet,custodian-genesis' : 'custodian-checkpoint,custodian-packet';
        say(`${sshPrincipal(key.user)} namespaces="${namespaces}" ${sshPublicKeyLine(Buffer.from(key.publicKey, 'base64'))}`);
      }
    });

  registerStartChain(log);

  unlockOptions(
    log
      .command('acknowledge')
      .description('admin: record in the log that you have looked into a log that does not match its head (writes are refused until then)')
      .argument('<vault>'),
  )
    .requiredOption('--reason <reason>', 'what was found and done (recorded in the log)')
    .action(async (vault: string, flags: UnlockFlags & { reason: string }) => {
      const { acknowledgeLogProblem } = await import('../../core/audit/acknowledgeLogProblem');
      const problem = await withVault(vault, flags, (session) => acknowledgeLogProblem(session, flags.reason));
      say(`acknowledged in the log: ${problem}`);
    });

  unlockOptions(
    log
      .command('checkpoint')
      .description('print the newest signed checkpoint (a C2SP signed note): keep it, and `log verify --since FILE` later proves the log still extends it')
      .argument('<vault>'),
  )
    .option('--sig <file>', 'also write its SSHSIG (namespace custodian-checkpoint) for `ssh-keygen -Y verify`')
    .action(async (vault: string, flags: UnlockFlags & { sig?: string }) => {
      const result = await withVault(vault, flags, (session) => verified(session));
      const latest = result.latest;
      if (!latest || latest.format !== 2 || !latest.sshSignature) {
        throw await custodianError(
          'conflict',
          'This log has no signed-note checkpoint yet; the next change made with this version (any logged action) writes one.',
        );
      }
      const { checkpointNote, CHECKPOINT_NAMESPACE } = await import('../../core/audit/checkpoint');
      const { sshsigArmor } = await import('../../core/crypto/sshsig');
      const note = checkpointNote(latest);
      if (flags.sig) {
        await writeFile(flags.sig, sshsigArmor(Buffer.from(latest.publicKey, 'base64'), CHECKPOINT_NAMESPACE, Buffer.from(latest.sshSignature, 'base64')), {
          flag: 'wx',
        }).catch(async (error: unknown) => {
          const code = (error as NodeJS.ErrnoException).code;
          throw await custodianError(
            code === 'EEXIST' ? 'conflict' : 'not_found',
            `Cannot write ${flags.sig ?? ''}: ${code === 'EEXIST' ? 'it exists' : String(code)}.`,
          );
        });
      }
      process.stdout.write(note);
    });
}

function registerStartChain(log: Command): void {
  unlockOptions(
    log
      .command('start-chain')
      .description('begin the key chain of a vault made before it (admin, once): your key becomes its genesis, and you vouch for the history before it')
      .argument('<vault>'),
  ).action(async (vault: string, flags: UnlockFlags) => {
    const { startKeyChain } = await import('../../core/audit/startKeyChain');
    const { keyFingerprint } = await import('../../core/audit/keyChain');
    const started = await withVault(vault, flags, async (session) => {
      await verified(session);
      return startKeyChain(session);
    });
    say(`key chain started after ${String(started.legacyEntries)} older entries, which you vouched for.`);
    say(
      `genesis key: ${keyFingerprint(started.genesis.publicKey)} (${started.genesis.name}); keep it: \`custodian log fingerprint\` prints it as a --trusted file`,
    );
    for (const member of started.enrolled) say(`enrolled: ${keyFingerprint(member.publicKey)} (${member.name})`);
  });
}

function vaultIdOf(result: LogVerification): string {
  return result.latest?.vaultId ?? '?';
}
