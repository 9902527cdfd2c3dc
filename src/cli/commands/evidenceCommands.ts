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
    .option('--person <id>', 'the person it documents: employee id or pseudonym')
    .option('--document-date <date>', "the day it documents (default: the linked training's date, else today)")
    .option('--replaces <evidence-id>', 'an older file this one replaces (that one becomes superseded)')
    .option('--json', 'print the evidence record as JSON')
    .action(async (vault: string, file: string, flags: UnlockFlags & { person?: string; documentDate?: string; replaces?: string; json?: boolean }) => {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw await custodianError('not_found', `${file} is not a readable file`);
      const { addEvidence } = await import('../../core/evidence/evidenceStore');
      const { mediaTypeFor } = await import('../../core/evidence/mediaTypeFor');
      const { findPerson } = await import('../../core/records/findPerson');
      await withVault(vault, flags, async (session) => {
        const meta = await addEvidence(session, {
          source: createReadStream(file, { highWaterMark: STREAM_CHUNK }),
          fileName: basename(file),
          mediaType: mediaTypeFor(basename(file)),
          personId: flags.person ? await findPerson(session, flags.person) : null,
          documentDate: flags.documentDate ?? null,
          replaces: flags.replaces ?? null,
        });
        if (flags.json) sayJson(meta);
        else say(meta.id);
      });
    });

  unlockOptions(evidence.command('list').description('every evidence file: what it documents, its state and review').argument('<vault>'))
    .option('--person <id>', 'only files documenting this person: employee id or pseudonym')
    .option('--state <state>', 'pending, accepted, rejected or superseded')
    .option('--requirement <id>', 'only files for this requirement')
    .option('--queue', 'pending files, most score points first (the review queue)')
    .option('--json', 'one JSON object per line')
    .action(async (vault: string, flags: UnlockFlags & { person?: string; state?: string; requirement?: string; queue?: boolean; json?: boolean }) => {
      const { EVIDENCE_STATES, queryEvidence } = await import('../../core/evidence/evidenceQuery');
      const { reviewGains } = await import('../../core/compliance/complianceReport');
      const { localToday } = await import('../../core/compliance/calendarDate');
      const { findPerson } = await import('../../core/records/findPerson');
      const state = flags.queue ? 'pending' : flags.state;
      if (state !== undefined && !(EVIDENCE_STATES as readonly string[]).includes(state)) {
        throw await custodianError('validation_failed', `--state is one of ${EVIDENCE_STATES.join(', ')}.`);
      }
      await withVault(vault, flags, async (session) => {
        const personId = flags.person ? await findPerson(session, flags.person) : undefined;
        const gains = flags.queue ? await reviewGains(session, localToday()) : undefined;
        const { rows, total, masked } = await queryEvidence(
          session,
          {
            ...(personId ? { personId } : {}),
            ...(state ? { state: state as (typeof EVIDENCE_STATES)[number] } : {}),
            ...(flags.requirement ? { requirementId: flags.requirement } : {}),
            sort: flags.queue ? 'points' : 'documentDate',
            dir: 'asc',
            offset: 0,
            limit: 10_000_000,
          },
          gains,
        );
        if (flags.json) {
          for (const row of rows) sayJson(row);
          return;
        }
        say(`${String(total)} evidence file(s)`);
        for (const r of rows) {
          const who = r.person ? (masked ? r.person.pseudonym : `${r.person.employeeId ?? r.person.pseudonym} ${r.person.name}`) : '-';
          const what = r.links.filter((l) => l.kind !== 'person').map((l) => l.label);
          const shownLinks = what.length > 3 ? `${what.slice(0, 3).join('; ')}; +${String(what.length - 3)} more` : what.join('; ') || '-';
          const reviewed = r.review
            ? ` ${r.review.state} by ${r.review.printedName ?? r.review.userName} ${r.review.at.slice(0, 10)}${r.review.signed ? ' (signed)' : ''}`
            : '';
          const points = r.points === null ? '' : ` +${r.points.toFixed(2)} pts`;
          say(`${r.evidenceId}  ${r.documentDate}  ${r.state.padEnd(10)} ${r.fileName}  [${who}]  ${shownLinks}${reviewed}${points}`);
        }
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
