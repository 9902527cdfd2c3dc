import type { AuditEntry } from '../../audit/auditLog';
import { PAYLOAD } from '../packetFormat';
import type { PacketProofs } from '../packetFormat';
import type { ReadFile } from './readPacketFiles';
import { PROOFS_MAX_BYTES, textOf, unusable } from './readPacketFiles';

// data/audit/proofs.json read by hand, within bounds: the file is at most PROOFS_LIMITS.maxBytes
// (readPacketFiles keeps no more, so JSON.parse never sees more), each array is bounded before it
// is walked, and the first thing out of place ends the reading with where it is and why. (A
// schema library that gathers every issue turns a few MiB of `{},` into millions of issues.)

export const PROOFS_LIMITS = {
  /** Bytes of proofs.json (a packet whose file is larger fails the proofs check). */
  maxBytes: PROOFS_MAX_BYTES,
  maxInclusion: 1_000_000,
  maxConsistency: 10_000,
  /** Hashes in one audit path: a log of 2^64 entries needs no more. */
  maxPath: 64,
} as const;

/**
 * One cited entry. When a field was withheld from the packet's audience (only `reason`, an
 * entry's free text, may be), it is null in `entry`, `withheld` names it and `leaf` is the
 * entry's leaf hash as logged, which the path proves. Otherwise the leaf is recomputed from
 * `entry`, and a `leaf` given beside it must be that one.
 */
export type InclusionItem =
  { entry: AuditEntry; path: string[]; leaf?: string } | { entry: AuditEntry & { reason: null }; path: string[]; withheld: ['reason']; leaf: string };

/** proofs.json as read: PacketProofs, with the inclusion items above. */
export interface ReadProofs extends Omit<PacketProofs, 'inclusion'> {
  inclusion: InclusionItem[];
}

class Misplaced extends Error {
  constructor(
    readonly at: string,
    readonly why: string,
  ) {
    super(`${at}: ${why}`);
  }
}

function misplaced(at: string, why: string): never {
  throw new Misplaced(at, why);
}

/** A JSON object with exactly `required` and at most `optional` besides. */
function object(value: unknown, at: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) misplaced(at, 'expected an object');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key)) misplaced(at, `unexpected field ${JSON.stringify(key)}`);
  }
  for (const key of required) if (!Object.hasOwn(record, key)) misplaced(`${at}.${key}`, 'missing');
  return record;
}

function text(value: unknown, at: string): string {
  return typeof value === 'string' ? value : misplaced(at, 'expected a string');
}

function textOrNull(value: unknown, at: string): string | null {
  return value === null ? null : text(value, at);
}

function integer(value: unknown, at: string, min: number): number {
  return Number.isSafeInteger(value) && (value as number) >= min ? (value as number) : misplaced(at, `expected a whole number from ${String(min)}`);
}

function hex64(value: unknown, at: string): string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : misplaced(at, 'expected 64 lowercase hex digits');
}

function list(value: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(value)) misplaced(at, 'expected an array');
  if (value.length > max) misplaced(at, `more than ${String(max)} items`);
  return value;
}

function auditPath(value: unknown, at: string): string[] {
  return list(value, at, PROOFS_LIMITS.maxPath).map((hash, index) => hex64(hash, `${at}.${String(index)}`));
}

const ENTRY_FIELDS = ['seq', 'at', 'actor', 'action', 'target', 'before', 'after', 'reason'] as const;

function auditEntry(value: unknown, at: string): AuditEntry {
  const record = object(value, at, ENTRY_FIELDS);
  return {
    seq: integer(record.seq, `${at}.seq`, 0),
    at: text(record.at, `${at}.at`),
    actor: text(record.actor, `${at}.actor`),
    action: text(record.action, `${at}.action`),
    target: textOrNull(record.target, `${at}.target`),
    before: textOrNull(record.before, `${at}.before`),
    after: textOrNull(record.after, `${at}.after`),
    reason: textOrNull(record.reason, `${at}.reason`),
  };
}

function inclusionItem(value: unknown, at: string): InclusionItem {
  const record = object(value, at, ['entry', 'path'], ['withheld', 'leaf']);
  const entry = auditEntry(record.entry, `${at}.entry`);
  const path = auditPath(record.path, `${at}.path`);
  if (!Object.hasOwn(record, 'withheld')) return Object.hasOwn(record, 'leaf') ? { entry, path, leaf: hex64(record.leaf, `${at}.leaf`) } : { entry, path };
  const withheld = record.withheld;
  if (!Array.isArray(withheld) || withheld.length !== 1 || withheld[0] !== 'reason') {
    misplaced(`${at}.withheld`, 'expected ["reason"] (only an entry\'s free text may be withheld)');
  }
  if (entry.reason !== null) misplaced(`${at}.entry.reason`, 'must be null, as it is withheld');
  if (!Object.hasOwn(record, 'leaf')) misplaced(`${at}.leaf`, 'missing (an entry with a withheld field needs its leaf)');
  return { entry: { ...entry, reason: null }, path, withheld: ['reason'], leaf: hex64(record.leaf, `${at}.leaf`) };
}

/** Parses proofs.json's text. @throws Misplaced at the first thing out of place. */
function parseProofs(json: unknown): ReadProofs {
  const record = object(json, '(top)', ['format', 'vaultId', 'size', 'root', 'inclusion', 'consistency']);
  if (record.format !== 'custodian-packet-proofs/1') misplaced('format', 'expected "custodian-packet-proofs/1"');
  return {
    format: 'custodian-packet-proofs/1',
    vaultId: text(record.vaultId, 'vaultId'),
    size: integer(record.size, 'size', 1),
    root: hex64(record.root, 'root'),
    inclusion: list(record.inclusion, 'inclusion', PROOFS_LIMITS.maxInclusion).map((item, index) => inclusionItem(item, `inclusion.${String(index)}`)),
    consistency: list(record.consistency, 'consistency', PROOFS_LIMITS.maxConsistency).map((item, index) => {
      const at = `consistency.${String(index)}`;
      const proof = object(item, at, ['packetId', 'size', 'root', 'path']);
      return {
        packetId: text(proof.packetId, `${at}.packetId`),
        size: integer(proof.size, `${at}.size`, 1),
        root: hex64(proof.root, `${at}.root`),
        path: auditPath(proof.path, `${at}.path`),
      };
    }),
  };
}

/** data/audit/proofs.json, or a one-line reason it cannot be used. */
export function readProofs(files: ReadonlyMap<string, ReadFile>): ReadProofs | string {
  const file = files.get(PAYLOAD.proofs);
  const why = unusable(PAYLOAD.proofs, file);
  if (why !== null) return why;
  let json: unknown;
  try {
    json = JSON.parse(textOf(file) ?? '');
  } catch {
    return `${PAYLOAD.proofs} is not JSON`;
  }
  try {
    return parseProofs(json);
  } catch (error) {
    if (!(error instanceof Misplaced)) throw error;
    return `${PAYLOAD.proofs} is not in the custodian-packet-proofs/1 format (${error.at}: ${error.why})`;
  }
}
