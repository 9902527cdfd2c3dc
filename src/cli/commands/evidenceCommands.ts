import { createReadStream } from 'node:fs';
import { STREAM_CHUNK } from '../../core/fs/streamChunk';
import { open, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { registerEvidenceReviewCommand } from './complianceCommands';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { unlockOptions, withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

export function registerEvidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description('encrypted evidence files');
  registerEvidenceReviewCommand(evidence);

  unlockOptions(evidence.command('add').description('encrypt a file into the vault; prints its id').argument('<vault>').argument('<file>'))
    .option('--person <id>', 'link to a person')
    .option('--json', 'print the evidence record as JSON')
    .action(async (vault: string, file: string, flags: UnlockFlags & { person?: string; json?: boolean }) => {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw await custodianError('not_found', `${file} is not a readable file`);
      const { addEvidence } = await import('../../core/evidence/evidenceStore');
      await withVault(vault, flags, async (session) => {
        const meta = await addEvidence(session, {
          source: createReadStream(file, { highWaterMark: STREAM_CHUNK }),
          fileName: basename(file),
          personId: flags.person ?? null,
        });
        if (flags.json) sayJson(meta);
        else say(meta.id);
      });
    });

  unlockOptions(evidence.command('get').description('decrypt evidence to a file (logged)').argument('<vault>').argument('<id>').argument('<out>'))
    .option('--reason <reason>', 'recorded in the audit log')
    .action(async (vault: string, id: string, out: string, flags: UnlockFlags & { reason?: string }) => {
      const { readEvidence } = await import('../../core/evidence/evidenceStore');
      await withVault(vault, flags, async (session) => {
        // Created here, before anything is decrypted: a name already taken is refused without
        // touching that file, and only a file this command made is ever removed.
        const handle = await open(out, 'wx', 0o600).catch(async (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw await custodianError('conflict', `${out} already exists; choose another name`);
          throw error;
        });
        try {
          await readEvidence(session, id, handle.createWriteStream(), flags.reason);
        } catch (error) {
          // Never leave a partial plaintext behind.
          await handle.close().catch(() => undefined);
          await rm(out, { force: true });
          throw error;
        }
      });
    });

  unlockOptions(evidence.command('delete').description('crypto-shred evidence').argument('<vault>').argument('<id>'))
    .requiredOption('--reason <reason>', 'recorded in the audit log')
    .action(async (vault: string, id: string, flags: UnlockFlags & { reason: string }) => {
      const { deleteEvidence } = await import('../../core/evidence/evidenceStore');
      await withVault(vault, flags, async (session) => {
        await deleteEvidence(session, id, flags.reason);
        say(`deleted ${id}`);
      });
    });

  const recovery = program.commands.find((c) => c.name() === 'recovery');
  if (!recovery) throw new Error('register vault commands first');
  unlockOptions(
    recovery.command('export-identity').description('print the AGE-SECRET-KEY of one blob (for age -d)').argument('<vault>').argument('<id>'),
  ).action(async (vault: string, id: string, flags: UnlockFlags) => {
    const { exportEvidenceIdentity } = await import('../../core/evidence/evidenceStore');
    await withVault(vault, flags, async (session) => {
      say(await exportEvidenceIdentity(session, id));
    });
  });
}
