import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { Checkpoint, CheckpointNote } from './checkpoint';
import { checkpointNote, parseCheckpointNote, resolveCheckpointNote, verifyCheckpointSignature } from './checkpoint';

// log.head: the newest signed checkpoint, kept outside the database so that deleting the last
// entries together with their checkpoints (possible for anyone holding the vault key) shows.
// It is the signed note `custodian log checkpoint` prints. Vaults made before the key chain
// kept a JSON checkpoint (format 1) here until their next write.

const legacySchema = z
  .object({
    vaultId: z.string(),
    size: z.number().int().positive(),
    root: z.string(),
    signer: z.string(),
    publicKey: z.string(),
    signature: z.string(),
    at: z.string(),
  })
  .strict();

/** What log.head holds: a signed note (its key not yet known) or a legacy checkpoint. */
export type StoredHead = { format: 2; note: CheckpointNote } | { format: 1; checkpoint: Checkpoint };

export function headSize(head: StoredHead): number {
  return head.format === 2 ? head.note.size : head.checkpoint.size;
}

/** The head as a checkpoint signed by one of `publicKeys`, or null if none signed it. */
export function resolveHead(head: StoredHead, publicKeys: Iterable<string>): Checkpoint | null {
  if (head.format === 2) return resolveCheckpointNote(head.note, publicKeys);
  const known = [...publicKeys].includes(head.checkpoint.publicKey);
  return known && verifyCheckpointSignature(head.checkpoint) ? head.checkpoint : null;
}

/** @returns the head, null if there is none yet, or 'invalid' if the file is damaged. */
export async function readLogHead(file: string): Promise<StoredHead | null | 'invalid'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const note = parseCheckpointNote(text);
  if (note) return { format: 2, note };
  try {
    const parsed = legacySchema.safeParse(JSON.parse(text));
    return parsed.success ? { format: 1, checkpoint: { ...parsed.data, format: 1, sshSignature: null } } : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * Written after the transaction that made the checkpoint commits; never moves backwards, except
 * with `force` (an administrator's acknowledgement of a rolled-back log, which is in the log).
 */
export async function writeLogHead(file: string, checkpoint: Checkpoint, options: { force?: boolean } = {}): Promise<void> {
  const current = await readLogHead(file);
  if (!options.force && current && current !== 'invalid' && headSize(current) >= checkpoint.size) return;
  await writeFileAtomic(file, checkpointNote(checkpoint));
}
