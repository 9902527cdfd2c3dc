import type { VaultDatabase } from '../db/database';
import { checkLogHead } from './checkLogHead';
import { readLogHead } from './logHead';
import { verifyLog } from './verifyLog';
import type { LogAnchors, LogVerification } from './verifyLog';

export interface LogIntegrity {
  ok: boolean;
  reason: string | null;
  /** Whether a full verification ran in this session (else only the quick head check). */
  full: boolean;
}

/**
 * The audit-log checks of one unlocked vault: the full verification (`log verify`) and the quick
 * integrity figure the readiness score shows, which remembers a failed full verification until
 * a later one passes. The owner (VaultSession) makes sure the vault is open before each call.
 */
export class LogChecks {
  private lastFull: { ok: boolean; reason: string | null } | null = null;

  constructor(
    private readonly database: VaultDatabase,
    private readonly vaultId: string,
    private readonly logHeadFile: string,
  ) {}

  /** Recomputes the whole tree and checks it against log.head, every checkpoint and `anchors`. */
  async verify(anchors: LogAnchors = {}): Promise<LogVerification> {
    const result = await this.verifyNow(anchors);
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

  /** The quick head check (checkLogHead.ts) always; a failed full verification sticks. */
  async integrity(): Promise<LogIntegrity> {
    const head = await readLogHead(this.logHeadFile);
    const quick = await this.database.read((db) => checkLogHead(db, this.vaultId, head));
    if (!quick.ok) return { ...quick, full: false };
    if (this.lastFull && !this.lastFull.ok) return { ok: false, reason: this.lastFull.reason, full: true };
    return { ok: true, reason: null, full: this.lastFull !== null };
  }
}
