import type { AuditEntry } from '../audit/auditLog';

/**
 * The packet's layout and the formats of its own files (DESIGN.md "Audit packets"). A packet is
 * a BagIt 1.0 bag (RFC 8493) zipped under one top folder, `<PACKET_ROOT_PREFIX><packet id>/`.
 * Shared by the builder and `packet verify`, which must agree byte for byte.
 */

/** The zip holds one folder: `packet-<packet id>/`. */
export const PACKET_ROOT_PREFIX = 'packet-';
export const PACKET_NAMESPACE = 'custodian-packet';
export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

export const TAG_FILES = {
  bagit: 'bagit.txt',
  bagInfo: 'bag-info.txt',
  manifest256: 'manifest-sha256.txt',
  manifest512: 'manifest-sha512.txt',
  tagmanifest: 'tagmanifest-sha256.txt',
  signature: 'tagmanifest-sha256.txt.sig',
  signerPub: 'signer.pub',
  allowedSigners: 'allowed_signers',
} as const;

export const PAYLOAD = {
  report: 'data/report.pdf',
  workbook: 'data/workbook.xlsx',
  records: 'data/records',
  evidence: 'data/evidence',
  sample: 'data/sample.json',
  checkpoint: 'data/audit/checkpoint.txt',
  checkpointSig: 'data/audit/checkpoint.txt.sig',
  proofs: 'data/audit/proofs.json',
  logAllowedSigners: 'data/audit/allowed_signers',
  reproduceSample: 'data/audit/reproduce_sample.py',
  requests: 'data/requests',
} as const;

/**
 * data/audit/proofs.json. Hashes are lowercase hex. `root` is the packet checkpoint's root in
 * hex (the checkpoint note carries it in base64). Leaves are RFC 6962 leaf hashes of each
 * entry's canonical JSON (auditLog.ts entryLeafHex), so a reader recomputes them from `entry`.
 */
export interface PacketProofs {
  format: 'custodian-packet-proofs/1';
  vaultId: string;
  size: number;
  root: string;
  /**
   * Every log entry the packet cites (report's chain of custody), with its audit path. For an
   * audience that does not keep personal data an entry's free-text `reason` is withheld: it is
   * null here, `withheld` names it, and `leaf` is the entry's real leaf hash, which the path
   * proves (the text itself stays in the vault's log).
   */
  inclusion: ({ entry: AuditEntry; path: string[] } | { entry: AuditEntry; withheld: ['reason']; leaf: string; path: string[] })[];
  /**
   * One per earlier packet of this vault (and at most one per distinct earlier checkpoint): the
   * proof that the log at that checkpoint is a prefix of the log at this one. Empty for a first
   * packet.
   */
  consistency: { packetId: string; size: number; root: string; path: string[] }[];
}
