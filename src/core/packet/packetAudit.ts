import { CustodianError } from '../../shared/errors';
import type { AuditEntry } from '../audit/auditLog';
import { entryLeafHex, entryOfRow } from '../audit/auditLog';
import type { StoredLogRow } from '../audit/auditLog';
import type { Checkpoint } from '../audit/checkpoint';
import { checkpointFromRow } from '../audit/checkpointRow';
import type { CheckpointRow } from '../audit/checkpointRow';
import { consistencyPath } from '../audit/merkle';
import { MerkleTree } from '../audit/merkleTree';
import { sshPrincipal } from '../crypto/sshPrincipal';
import { sshPublicKeyLine } from '../crypto/sshsig';
import type { ReadableDb } from '../db/database';
import type { CustodyEntry } from './packetModel';
import type { PacketProofs } from './packetFormat';
import { CHECKPOINT_NAMESPACE } from '../audit/checkpoint';

/** The log action that records a packet; the packet's own checkpoint never has to cover it. */
export const PACKET_BUILD_ACTION = 'packet.build';

const CUSTODY_ACTIONS = ['evidence.add', 'evidence.link', 'evidence.supersede', 'evidence.redact', 'evidence.accept', 'evidence.reject', 'evidence.decrypt'];

/**
 * The checkpoint a packet proves the log to: the first signed checkpoint that covers every entry
 * but trailing `packet.build` entries. Building a packet logs one, so a second build from an
 * unchanged vault cites the same checkpoint and gives the same bytes (SOURCE_DATE_EPOCH).
 */
export function packetCheckpoint(db: ReadableDb, vaultId: string): Checkpoint {
  const last = db.get<{ n: number | null }>('SELECT max(seq) + 1 AS n FROM audit_log WHERE action != ?', [PACKET_BUILD_ACTION])?.n ?? 0;
  const row = db.get<CheckpointRow>(
    'SELECT size, root, signer, public_key, signature, at, format, ssh_signature FROM checkpoints WHERE size >= ? AND format = 2 ORDER BY size LIMIT 1',
    [Math.max(1, last)],
  );
  if (!row) throw new CustodianError('log_tampered', 'No signed checkpoint covers the audit log: run custodian log verify, then try again.');
  return checkpointFromRow(vaultId, row);
}

function summary(e: AuditEntry): string {
  switch (e.action) {
    case 'evidence.add':
      return 'evidence file added (encrypted into the vault)';
    case 'evidence.link':
      return 'evidence linked to a record';
    case 'evidence.supersede':
      return 'replaced by a newer file';
    case 'evidence.redact':
      return `redacted version made${e.reason ? ` (${e.reason})` : ''}`;
    case 'evidence.accept':
      return 'review: accepted, electronically signed';
    case 'evidence.reject':
      return `review: rejected, electronically signed${e.reason ? ` (${e.reason})` : ''}`;
    case 'evidence.decrypt':
      return `original decrypted${e.reason ? ` for ${e.reason}` : ''}`;
    case 'records.import':
      return `records imported: ${e.after ?? ''}`;
    default:
      return e.action;
  }
}

/**
 * The chain of custody of what the packet holds (every log entry about its evidence files and
 * their redacted versions, and every records import) within the checkpoint, with the proofs
 * that each is in the signed log, and consistency proofs from every earlier packet's checkpoint.
 * Recomputes the root from the stored leaves and refuses if it is not the checkpoint's.
 */
export function packetAudit(
  db: ReadableDb,
  checkpoint: Checkpoint,
  evidenceIds: readonly string[],
  /** False for audiences that do not keep personal data: entries' free-text reasons are withheld (their leaves still proven). */
  keepsPii: boolean,
): { custody: CustodyEntry[]; proofs: PacketProofs; allowedSigners: string } {
  const leaves: Buffer[] = db
    .all<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM audit_log WHERE seq < ? ORDER BY seq', [checkpoint.size])
    .map((r) => r.leaf_hash);
  const tree = new MerkleTree(leaves);
  if (tree.size !== checkpoint.size || tree.root?.toString('base64') !== checkpoint.root) {
    throw new CustodianError('log_tampered', 'The audit log does not match its signed checkpoint: run custodian log verify. No packet was built.');
  }
  const rows = db.all<StoredLogRow>(
    `SELECT seq, at, actor, action, target, before_hash, after_hash, reason FROM audit_log
     WHERE seq < ? AND ((target IN (SELECT value FROM json_each(?)) AND action IN (SELECT value FROM json_each(?))) OR action = 'records.import')
     ORDER BY seq`,
    [checkpoint.size, JSON.stringify(evidenceIds), JSON.stringify(CUSTODY_ACTIONS)],
  );
  const entries = rows.map(entryOfRow);
  const earlier = db.all<{ id: string; checkpoint_size: number; checkpoint_root: Buffer }>(
    // An earlier packet at this very checkpoint needs no proof (and listing it would make a
    // rebuild of an unchanged vault differ from the first build).
    'SELECT id, checkpoint_size, checkpoint_root FROM packets WHERE checkpoint_size < ? ORDER BY rowid',
    [checkpoint.size],
  );
  const seen = new Set<number>();
  const consistency: PacketProofs['consistency'] = [];
  for (const packet of earlier) {
    if (seen.has(packet.checkpoint_size)) continue;
    seen.add(packet.checkpoint_size);
    consistency.push({
      packetId: packet.id,
      size: packet.checkpoint_size,
      root: packet.checkpoint_root.toString('hex'),
      path: consistencyPath(leaves, packet.checkpoint_size).map((h) => h.toString('hex')),
    });
  }
  const proofs: PacketProofs = {
    format: 'custodian-packet-proofs/1',
    vaultId: checkpoint.vaultId,
    size: checkpoint.size,
    root: Buffer.from(checkpoint.root, 'base64').toString('hex'),
    inclusion: entries.map((entry) => {
      const path = tree.inclusionPath(entry.seq).map((h) => h.toString('hex'));
      if (keepsPii || entry.reason === null) return { entry, path };
      // A reason is free text (a rejection's why, an import's file name): it may name a person.
      return { entry: { ...entry, reason: null }, withheld: ['reason' as const], leaf: entryLeafHex(entry), path };
    }),
    consistency,
  };
  // The keys that signed this checkpoint and those of earlier packets, under their signers' names.
  const keys = db.all<{ signer: string; public_key: string }>(
    `SELECT DISTINCT signer, public_key FROM checkpoints WHERE size IN (SELECT value FROM json_each(?)) ORDER BY signer, public_key`,
    [JSON.stringify([checkpoint.size, ...consistency.map((c) => c.size)])],
  );
  const allowedSigners = keys
    .map((k) => `${sshPrincipal(k.signer)} namespaces="${CHECKPOINT_NAMESPACE}" ${sshPublicKeyLine(Buffer.from(k.public_key, 'base64'))}\n`)
    .join('');
  return {
    custody: entries.map((e) => ({
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      target: e.target,
      summary: summary(keepsPii ? e : { ...e, reason: null }),
    })),
    proofs,
    allowedSigners,
  };
}
