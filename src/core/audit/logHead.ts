import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { Checkpoint } from './checkpoint';

// log.head: the newest signed checkpoint, kept outside the database so that deleting the last
// entries together with their checkpoints (possible for anyone holding the vault key) shows.

const headSchema = z
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

/** @returns the head, null if there is none yet, or 'invalid' if the file is damaged. */
export async function readLogHead(file: string): Promise<Checkpoint | null | 'invalid'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = headSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Written after the transaction that made the checkpoint commits; never moves backwards. */
export async function writeLogHead(file: string, checkpoint: Checkpoint): Promise<void> {
  const current = await readLogHead(file);
  if (current && current !== 'invalid' && current.size >= checkpoint.size) return;
  await writeFileAtomic(file, `${JSON.stringify(checkpoint, null, 2)}\n`);
}
