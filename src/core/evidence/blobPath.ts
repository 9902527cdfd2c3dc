import { join } from 'node:path';

/** blobs/ab/<name>: names are random, never derived from content or file names. */
export function blobPath(blobsDir: string, blobName: string): string {
  if (!/^[0-9a-f]{32}$/.test(blobName)) throw new Error('malformed blob name');
  return join(blobsDir, blobName.slice(0, 2), blobName);
}
