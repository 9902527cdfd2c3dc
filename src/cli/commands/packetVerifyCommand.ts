import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { PacketVerdict } from '../../core/packet/verifyPacket';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';

interface PacketVerifyFlags {
  allowedSigners?: string;
  identity?: string;
  since?: string;
  json?: boolean;
}

async function readFlagFile(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw await custodianError('not_found', `Cannot read the ${flag} file ${file}.`);
  }
}

/** On a terminal, one self-overwriting line on stderr; nothing when piped (stderr is for errors). */
function progress(done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const share = total > 0 ? Math.floor((100 * done) / total) : 100;
  process.stderr.write(`\rverifying: ${String(share)}% of ${String(Math.round(total / 1e6))} MB`);
  if (done === total) process.stderr.write('\r\u001b[K');
}

function report(verdict: PacketVerdict): void {
  for (const check of verdict.checks) say(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.reason}`);
  for (const problem of verdict.problems) say(`${problem.kind}: ${problem.path} (${problem.checks.join(', ')})`);
  if (!verdict.ok) return;
  const mb = (verdict.bytes / 1e6).toFixed(1);
  say(
    `verified: packet ${String(verdict.packetId)}, ${String(verdict.files)} files (${mb} MB), signed by ${String(verdict.signer.identity)} ${String(verdict.signer.fingerprint)}`,
  );
  if (verdict.signer.trust === 'self-asserted') {
    say(
      `trust: self-asserted (the packet's own allowed_signers). Compare ${String(verdict.signer.fingerprint)} with the signer's fingerprint obtained out of band, ` +
        'or verify with --allowed-signers and --identity.',
    );
  }
}

/**
 * Adds `verify PACKET` to the `packet` command: checks a packet zip in place and exits 0 only if
 * everything holds; otherwise names each failed check on stderr, one line each, and fails.
 */
export function addPacketVerifyCommand(packet: Command): void {
  packet
    .command('verify')
    .description(
      'check a packet zip without unpacking it: signature, tag files, both manifests, Payload-Oxum, the audit-log checkpoint and its proofs; exit 0 only if all hold. ' +
        'Without --allowed-signers the signature is checked against the packet’s own key (self-asserted): compare the fingerprint it prints.',
    )
    .argument('<packet>', 'the packet .zip (an .age file must be decrypted first with age -d)')
    .option('--allowed-signers <file>', 'an OpenSSH allowed_signers file you trust (such as `custodian log fingerprint` output); needs --identity')
    .option('--identity <principal>', 'the principal in --allowed-signers who must have signed the packet')
    .option('--since <file>', 'a checkpoint you kept (`custodian log checkpoint` output): the packet’s audit log must extend it')
    .option('--json', 'machine-readable output: the whole verdict')
    .action(async (file: string, flags: PacketVerifyFlags) => {
      if ((flags.allowedSigners === undefined) !== (flags.identity === undefined)) {
        throw await custodianError(
          'validation_failed',
          '--allowed-signers and --identity go together: give the allowed_signers file you trust and the principal in it who signs packets, or neither.',
        );
      }
      const allowedSigners = flags.allowedSigners === undefined ? undefined : await readFlagFile(flags.allowedSigners, '--allowed-signers');
      const since = flags.since === undefined ? undefined : await readFlagFile(flags.since, '--since');
      const { parseAllowedSigners, verifyPacket } = await import('../../core/packet/verifyPacket');
      if (allowedSigners !== undefined) {
        try {
          parseAllowedSigners(allowedSigners);
        } catch (error) {
          throw await custodianError(
            'validation_failed',
            `--allowed-signers ${String(flags.allowedSigners)}: ${error instanceof Error ? error.message : String(error)}.`,
          );
        }
      }
      if (since !== undefined) {
        const { parseCheckpointNote } = await import('../../core/audit/checkpoint');
        if (!parseCheckpointNote(since)) {
          throw await custodianError('validation_failed', `${String(flags.since)} is not a checkpoint printed by \`custodian log checkpoint\`.`);
        }
      }
      const verdict = await verifyPacket(file, { allowedSigners, identity: flags.identity, since, onProgress: progress });
      if (flags.json) sayJson(verdict);
      else report(verdict);
      if (verdict.ok) return;
      const failed = verdict.checks.filter((check) => !check.ok);
      const refused = verdict.checks.length === 1 && failed.length === 1;
      throw await custodianError(
        refused ? 'packet_unsafe' : 'packet_tampered',
        refused
          ? `${file} was refused: ${failed.map((c) => c.name).join(', ')}`
          : `packet ${String(verdict.packetId)} does not verify: ${String(failed.length)} check(s) failed (${failed.map((c) => c.name).join(', ')})`,
      );
    });
}
