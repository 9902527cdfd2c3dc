/** Overwrites key material in place. Call in `finally` for every Buffer that held a secret. */
export function wipe(...buffers: (Uint8Array | null | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}
