import type { KeyObject } from 'node:crypto';
import { CustodianError } from '../../shared/errors';
import { AuditAppender } from '../audit/auditAppender';
import type { AuditEvent } from '../audit/auditLog';
import { chainBegun } from '../audit/keyChain';
import type { ChainMember } from '../audit/keyChain';
import { verifyBlobs } from '../evidence/verifyBlobs';
import type { BlobProgress, BlobVerification } from '../evidence/verifyBlobs';
import type { Checkpoint } from '../audit/checkpoint';
import { checkLogHead } from '../audit/checkLogHead';
import { readLogHead, writeLogHead } from '../audit/logHead';
import { LogChecks } from '../audit/logChecks';
import type { LogIntegrity } from '../audit/logChecks';
import type { LogAnchors, LogVerification } from '../audit/verifyLog';
import { wipe } from '../crypto/wipe';
import type { ReadableDb, VaultDatabase, WritableDb } from '../db/database';
import { publicKeyBase64 } from './keySlots';
import type { Permission } from './permissions';
import { requirePermission } from './permissions';
import type { Principal } from './principal';
import type { VaultHeader } from './vaultHeader';
import type { VaultPaths } from './vaultPaths';

/**
 * An unlocked vault: the open database, the data key and the acting principal's signing key.
 * Every change goes through `mutate`, which writes the change and its audit entries in one
 * transaction and signs a checkpoint; there is no other write path.
 *
 * Hazard: `dataKey` and `signingKey` are live secrets until `lock()`. Never log this object.
 */
export class VaultSession {
  private locked = false;
  private generationValue = 0;
  private readonly logChecks: LogChecks;

  constructor(
    readonly paths: VaultPaths,
    private headerValue: VaultHeader,
    readonly database: VaultDatabase,
    private readonly dataKeyValue: Buffer,
    private principalValue: Principal,
    /** Dropped at lock (a KeyObject cannot be wiped; no reference outlives the session). */
    private signingKey: KeyObject | null,
    private signingPublicKey: string,
  ) {
    this.logChecks = new LogChecks(database, headerValue.vaultId, paths.logHead);
  }

  get principal(): Principal {
    return this.principalValue;
  }

  /** After the recovery principal replaced its own key: sign with the new one from now on. */
  replaceSigningKey(signingKey: KeyObject, slotId: string): void {
    this.assertOpen();
    this.signingKey = signingKey;
    this.signingPublicKey = publicKeyBase64(signingKey);
    this.principalValue = { ...this.principalValue, slotId };
  }

  /** After the principal's own passphrase change, their slot has a new id. */
  setSlotId(slotId: string): void {
    this.principalValue = { ...this.principalValue, slotId };
  }

  get vaultId(): string {
    return this.headerValue.vaultId;
  }

  get header(): VaultHeader {
    return this.headerValue;
  }

  /** Only for code that must re-seal the header or re-wrap the key; never leaves core. */
  get dataKey(): Buffer {
    this.assertOpen();
    return this.dataKeyValue;
  }

  /** Goes up after every committed change: lets readers cache what they derived from the vault. */
  get generation(): number {
    return this.generationValue;
  }

  /**
   * Changes whenever anything is committed to the vault: by this session (generation) or by
   * another process (SQLite's data_version, which moves when another connection commits). What a
   * reader derived from the vault is good while the stamp stays the same.
   */
  async changeStamp(): Promise<string> {
    const version = await this.read((db) => db.get<{ data_version: number }>('PRAGMA data_version')?.data_version ?? 0);
    return `${String(this.generationValue)}:${String(version)}`;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  private assertOpen(): void {
    if (this.locked) throw new CustodianError('vault_locked', 'The vault is locked. Unlock it again to continue.');
  }

  require(permission: Permission, what: string): void {
    requirePermission(this.principal.role, permission, what);
  }

  read<T>(work: (db: ReadableDb) => T | Promise<T>): Promise<T> {
    this.assertOpen();
    return this.database.read(work);
  }

  /**
   * Runs `work` and appends the events it returns to the audit log in the same transaction,
   * then records the new signed head outside the database.
   */
  async mutate<T>(
    work: (db: WritableDb) => { result: T; events: AuditEvent[] } | Promise<{ result: T; events: AuditEvent[] }>,
    options: { startWith?: readonly ChainMember[]; acknowledge?: boolean } = {},
  ): Promise<T> {
    this.assertOpen();
    let checkpoint: Checkpoint | undefined;
    const result = await this.database.transaction(async (db) => {
      if (!options.acknowledge) await this.assertHeadIntact(db);
      // Opened first: it refuses a retired signer before `work` changes anything (work may
      // retire the signer's own key, as replacing the recovery key does).
      const appender = AuditAppender.open(db, this.vaultId, this.signer(), options.startWith ? { startWith: options.startWith } : {});
      const { result: value, events } = await work(db);
      if (events.length === 0) throw new Error('an audited change must log at least one event');
      appender.append(events);
      checkpoint = appender.finish();
      return value;
    });
    this.generationValue++;
    if (checkpoint) await writeLogHead(this.paths.logHead, checkpoint, { force: options.acknowledge === true });
    return result;
  }

  /**
   * Refuses to write while the log does not match its head (log.head missing, damaged, ahead of
   * the log after a rollback, or re-signed): a write would move the head on and the evidence
   * would clear itself. Checked inside the write transaction, so no other writer moves either.
   */
  private async assertHeadIntact(db: ReadableDb): Promise<void> {
    const check = checkLogHead(db, this.vaultId, await readLogHead(this.paths.logHead));
    // A writer that stopped between commit and log.head left the head one checkpoint behind.
    if (check.behind?.format === 2) await writeLogHead(this.paths.logHead, check.behind);
    if (check.ok) return;
    throw new CustodianError(
      'log_tampered',
      `Nothing is written while the audit log does not match its head: ${String(check.reason)}. An administrator who has looked into it records that in the log: in the app under Audit log, or custodian log acknowledge VAULT --reason "...".`,
    );
  }

  /** Whether a write would be accepted now: the key chain has begun and the log matches its head. */
  async writable(): Promise<boolean> {
    return this.read(async (db) => chainBegun(db) !== false && checkLogHead(db, this.vaultId, await readLogHead(this.paths.logHead)).ok);
  }

  /**
   * For changes too large to hold their events in memory (an import of a million rows): `work`
   * appends events as it goes through `log`, all in one transaction with one signed checkpoint
   * at the end. `work` must log at least one event.
   */
  async mutateWithLog<T>(work: (db: WritableDb, log: (events: AuditEvent[]) => void) => T | Promise<T>): Promise<T> {
    this.assertOpen();
    let checkpoint: Checkpoint | undefined;
    const result = await this.database.transaction(async (db) => {
      await this.assertHeadIntact(db);
      const appender = AuditAppender.open(db, this.vaultId, this.signer());
      const value = await work(db, (events) => {
        appender.append(events);
      });
      checkpoint = appender.finish();
      return value;
    });
    this.generationValue++;
    if (checkpoint) await writeLogHead(this.paths.logHead, checkpoint);
    return result;
  }

  /** Whether the log's key chain has begun (false for a vault made before it: writes wait for `log start-chain`). */
  async chainBegun(): Promise<boolean> {
    return (await this.read((db) => chainBegun(db))) !== false;
  }

  /** Records events that change nothing else (a decryption, an export). */
  async record(events: AuditEvent[]): Promise<void> {
    await this.mutate(() => ({ result: undefined, events }));
  }

  /** The principal's Ed25519 seed, to re-wrap under a new passphrase. Caller wipes it. */
  signingSeed(): Buffer {
    const der = this.liveSigningKey().export({ format: 'der', type: 'pkcs8' });
    const seed = Buffer.from(der.subarray(der.length - 32));
    der.fill(0);
    return seed;
  }

  private liveSigningKey(): KeyObject {
    this.assertOpen();
    if (!this.signingKey) throw new CustodianError('vault_locked', 'The vault is locked. Unlock it again to continue.');
    return this.signingKey;
  }

  /**
   * The principal's names and live key, for an electronic signature where the passphrase was
   * just entered to open this session (the CLI: one command, one session). The app asks again
   * instead (passphraseSigner). Hazard: the key never leaves core.
   */
  ownSigner(): { name: string; publicKey: string; privateKey: KeyObject } {
    return this.signer();
  }

  private signer() {
    return { name: this.principal.name, publicKey: this.signingPublicKey, privateKey: this.liveSigningKey() };
  }

  /** Replaces the header in memory after it was rewritten on disk (users, recovery key). */
  setHeader(header: VaultHeader): void {
    this.headerValue = header;
  }

  /** The full audit-log verification (`log verify`). */
  verifyLog(
    anchors: LogAnchors = {},
    options: { blobs?: boolean; onBlobProgress?: (progress: BlobProgress) => void; signal?: AbortSignal } = {},
  ): Promise<LogVerification & { blobs: BlobVerification | null }> {
    this.assertOpen();
    const blobs =
      options.blobs === false
        ? undefined
        : () =>
            verifyBlobs(this, {
              ...(options.onBlobProgress ? { onProgress: options.onBlobProgress } : {}),
              ...(options.signal ? { signal: options.signal } : {}),
            });
    return this.logChecks.verify(anchors, blobs);
  }

  /** The genesis fingerprint kept outside the vault for it (app settings), or null for none. */
  trustGenesis(fingerprint: string | null): void {
    this.logChecks.trustGenesis(fingerprint);
  }

  /** Whether the log checks run against a genesis fingerprint kept outside the vault. */
  get logAnchored(): boolean {
    return this.logChecks.anchored;
  }

  /** The log's integrity for the readiness score (see LogChecks.integrity). */
  logIntegrity(): Promise<LogIntegrity> {
    this.assertOpen();
    return this.logChecks.integrity();
  }

  /** Closes the database and wipes the data key. Idempotent. */
  async lock(): Promise<void> {
    if (this.locked) return;
    this.locked = true;
    this.signingKey = null;
    try {
      await this.database.close();
    } finally {
      wipe(this.dataKeyValue);
    }
  }
}
