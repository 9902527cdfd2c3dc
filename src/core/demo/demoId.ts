/** What a demo id names; the number is part of the id, so kinds never collide. */
export const DEMO_ID_KINDS = { orgUnit: 1, jobRole: 2, course: 3, person: 4, completion: 5, certification: 6 } as const;
export type DemoIdKind = keyof typeof DEMO_ID_KINDS;

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/**
 * A record id derived from the demo's seed, kind and sequence number: a UUIDv8 (RFC 9562,
 * custom layout) `SSSSSSSS-KKKK-8000-8NNN-NNNNNNNNNNNN`. The same seed gives the same ids, and
 * ids of one kind increase, so bulk inserts append to the end of each index like UUIDv7 does.
 */
export function demoId(seedTag: number, kind: DemoIdKind, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0 || sequence >= 2 ** 44) throw new Error('demo id sequence out of range');
  const high = Math.floor(sequence / 2 ** 32);
  const low = sequence % 2 ** 32;
  return `${hex(seedTag >>> 0, 8)}-${hex(DEMO_ID_KINDS[kind], 4)}-8000-8${hex(high >>> 8, 3)}-${hex(high & 0xff, 4)}${hex(low, 8)}`;
}
