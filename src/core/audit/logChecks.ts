import type { VaultDatabase } from '../db/database';
import { checkLogHead } from './checkLogHead';
import { keyFingerprint } from './keyChain';
import type { BlobVerification } from '../evidence/verifyBlobs';
import type { TrustedKeys } from './trustedKeys';
import { readLogHead } from './logHead';
import { verifyLog } from './verifyLog';
import type { LogAnchors, LogVerification } from './verifyLog';

export interface LogIntegrity {
  ok: boolean;
  reason: string | null;
  /** Whether a full verification ran in this session (else only the quick head check). */
  full: boolean;
  /** Whether the log was checked against a genesis fingerprint kept outside the vault. */
  anchored: boolean;
}

/**
 * The audit-log checks of one unlocked vault: the full verification (`log verify`) and the quick
 * integrity figure the readiness score shows, which remembers a failed full verification until
 * a later one passes. The owner (VaultSession) makes sure the vault is open before each call.
 */
export class LogChecks {
  private lastFull: { ok: boolean; reason: string | null } | null = null;
  private trusted: TrustedKeys | null = null;

  constructor(
    private readonly database: VaultDatabase,
    private readonly vaultId: string,
    private readonly logHeadFile: string,
  ) {}

  /** The genesis fingerprint kept outside the vault (app settings): checked from now on. */
  trustGenesis(fingerprint: string | null): void {
    this.trusted = fingerprint ? { fingerprints: new Set([fingerprint]) } : null;
    this.lastFull = null;
  }

  get anchored(): boolean {
    return this.trusted !== null;
  }

  /**
   * Recomputes the whole tree and checks it against log.head, every checkpoint and `anchors`
   * (by default, the genesis fingerprint given to trustGenesis).
   */
  async verify(anchors: LogAnchors = {}, blobs?: () => Promise<BlobVerification>): Promise<LogVerification & { blobs: BlobVerification | null }> {
    const withTrusted = anchors.trusted || !this.trusted ? anchors : { ...anchors, trusted: this.trusted };
    const log = await this.verifyNow(withTrusted);
    // Kept before the blobs are read: a verification cancelled among them must not hide what
    // the log check already found.
    if (!log.ok) this.lastFull = { ok: false, reason: log.problem?.reason ?? null };
    const checked = blobs ? await blobs() : null;
    const first = checked?.problems[0];
    const result = { ...log, blobs: checked, ...(log.ok && first ? { ok: false, problem: { seq: null, reason: first.reason } } : {}) };
    this.lastFull = { ok: result.ok, reason: result.problem?.reason ?? null };
    return result;
  }

  private async verifyNow(anchors: LogAnchors): Promise<LogVerification> {
    const head = await readLogHead(this.logHeadFile);
    if (head === 'invalid') {
      const result = await this.database.read((db) => verifyLog(db, this.vaultId, null, anchors));
      return { ...result, ok: false, problem: { seq: null, reason: 'the log head (log.head) is damaged' } };
    }
    const result = await this.database.read((db) => verifyLog(db, this.vaultId, head, anchors));
    if (result.ok && head === null && result.size > 0) {
      return { ...result, ok: false, problem: { seq: null, reason: 'log.head is missing (deleted?): the end of the log cannot be checked' } };
    }
    return result;
  }

  /**
   * The quick head check (checkLogHead.ts) and, when a genesis fingerprint is kept, that the
   * chain begins with that key; a failed full verification sticks.
   */
  async integrity(): Promise<LogIntegrity> {
    const anchored = this.trusted !== null;
    const head = await readLogHead(this.logHeadFile);
    const quick = await this.database.read((db) => {
      const check = checkLogHead(db, this.vaultId, head);
      if (!check.ok || !this.trusted) return check;
      const genesis = db.get<{ public_key: string }>('SELECT public_key FROM checkpoints WHERE format = 2 ORDER BY size LIMIT 1');
      if (!genesis) return { ok: false, reason: 'the log has no key chain, yet this computer keeps a genesis fingerprint for it (the log was rewritten)' };
      if (!this.trusted.fingerprints.has(keyFingerprint(genesis.public_key)))
        return { ok: false, reason: "the log's genesis key is not the one kept for this vault on this computer (the log was rewritten)" };
      return check;
    });
    if (!quick.ok) return { ok: false, reason: quick.reason, full: false, anchored };
    if (this.lastFull && !this.lastFull.ok) return { ok: false, reason: this.lastFull.reason, full: true, anchored };
    return { ok: true, reason: null, full: this.lastFull !== null, anchored };
  }
}
