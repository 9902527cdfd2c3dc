import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CustodianError } from '../../shared/errors';
import type { Role } from '../../shared/roles';
import type { VaultUpgrade } from '../../shared/vault/vaultUpgrade';
import type { CreateVaultOptions } from '../vault/createVault';
import { createVault } from '../vault/createVault';
import { wipe } from '../crypto/wipe';
import { openVault } from '../vault/openVault';
import type { Credential } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { SettingsStore } from './settingsStore';

export const DEMO_VAULT_NAME = 'Riverside Demo';
export const DEMO_USER = 'demo-officer';
/** Public on purpose: the demo vault holds invented people only. */
export const DEMO_PASSPHRASE = 'riverside demo vault passphrase';

/** Native folder pickers, implemented by main (Electron dialog) or stubbed by the harness. */
export interface DialogPort {
  /** 'create': the parent folder for a new vault; 'open': an existing vault folder. */
  chooseFolder(purpose: 'create' | 'open'): Promise<string | null>;
  /** A file to read: 'import', a CSV or XLSX export; 'evidence', any document to keep; 'packet', a received audit packet. */
  chooseFile(purpose: 'import' | 'evidence' | 'packet'): Promise<string | null>;
  /** Where to write an export (a CSV of a list, an audit packet: by the suggested name's extension); null if cancelled. */
  chooseSaveFile(suggestedName: string): Promise<string | null>;
  /** Shows a written file in the system's file manager. */
  showInFolder(path: string): Promise<void>;
}

export interface VaultInfo {
  vaultId: string;
  name: string;
  user: string;
  role: Role;
}

export interface LocationRef {
  token: string;
  displayName: string;
}

export interface VaultManagerOptions {
  dataDir: string;
  dialogs: DialogPort;
  kdf?: CreateVaultOptions['kdf'];
  now?: () => number;
  /**
   * Told where an unlock's schema upgrade stands, then null when it ends (either way). Called
   * synchronously from inside the upgrade: hand the value on, never wait (core's worker posts
   * it to its owner, which answers `vault.upgradeProgress` while the worker is busy).
   */
  onUpgrade?: (upgrade: VaultUpgrade | null) => void;
}

/** What a token stands for: the folder to create a vault in, a vault, or a file to import or add. */
type TokenKind = 'parentFolder' | 'vaultFolder' | 'importFile' | 'evidenceFile' | 'exportFile' | 'packetFile';

const TOKEN_UNKNOWN: Record<TokenKind, string> = {
  parentFolder: 'That folder is no longer known; choose where to create the vault again.',
  vaultFolder: 'That vault location is no longer known; choose the folder again.',
  importFile: 'That file is no longer known; choose the file to import again.',
  evidenceFile: 'That file is no longer known; choose the file to add again.',
  exportFile: 'That place to save is no longer known; choose where to save the export again.',
  packetFile: 'That packet is no longer known; choose the packet file again.',
};

function vaultDisplayName(path: string): string {
  return basename(path).replace(/\.custodian$/, '');
}

/**
 * The app's one open vault. The renderer names folders only by opaque tokens handed out here;
 * paths never leave this process. Locks itself after the configured idle time, and on demand
 * (the OS locking or suspending).
 */
export class VaultManager {
  private session: VaultSession | null = null;
  /** Token -> what it stands for. A token is good only where its kind is expected. */
  private readonly locations = new Map<string, { path: string; kind: TokenKind }>();
  private readonly settings: SettingsStore;
  private lastActivity: number;
  private timer: NodeJS.Timeout | undefined;
  private autoLockMinutes = 10;
  /** The tail of the adopt/lock queue. */
  private turn: Promise<unknown> = Promise.resolve();
  /**
   * How many times `lock()` was asked. An unlock notes it when it starts and adopts its session
   * only if no lock came meanwhile: the OS locking or suspending while a vault opens (its key
   * derivation, a long schema upgrade) must not find nothing to lock, then see the vault open.
   */
  private locksAsked = 0;
  /** Told of each session as it locks, before its key is wiped (jobs stop and are forgotten). */
  private readonly lockListeners: ((session: VaultSession) => void)[] = [];
  /** The schema upgrade an unlock is running, if any. */
  private upgrading: VaultUpgrade | null = null;

  constructor(private readonly options: VaultManagerOptions) {
    this.settings = new SettingsStore(options.dataDir);
    this.lastActivity = this.now();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private tokenFor(path: string, kind: TokenKind): LocationRef {
    for (const [token, known] of this.locations) {
      if (known.path === path && known.kind === kind) return { token, displayName: vaultDisplayName(path) };
    }
    const token = randomBytes(16).toString('base64url');
    this.locations.set(token, { path, kind });
    return { token, displayName: vaultDisplayName(path) };
  }

  /** @throws CustodianError('not_found') for an unknown token, or one handed out for another use. */
  private pathFor(token: string, kind: TokenKind): string {
    const known = this.locations.get(token);
    if (known?.kind !== kind) throw new CustodianError('not_found', TOKEN_UNKNOWN[kind]);
    return known.path;
  }

  async chooseLocation(purpose: 'create' | 'open'): Promise<LocationRef | null> {
    const path = await this.options.dialogs.chooseFolder(purpose);
    return path ? this.tokenFor(path, purpose === 'create' ? 'parentFolder' : 'vaultFolder') : null;
  }

  /** A file to import, to add as evidence, or a received packet, named to the renderer by token and file name only. */
  async chooseFile(purpose: 'import' | 'evidence' | 'packet'): Promise<LocationRef | null> {
    const path = await this.options.dialogs.chooseFile(purpose);
    if (!path) return null;
    const ref = this.tokenFor(path, purpose === 'import' ? 'importFile' : purpose === 'evidence' ? 'evidenceFile' : 'packetFile');
    return { token: ref.token, displayName: basename(path) };
  }

  /** Where to save an export, as a token (the path stays in core). */
  async chooseSaveFile(suggestedName: string): Promise<LocationRef | null> {
    const path = await this.options.dialogs.chooseSaveFile(suggestedName);
    if (!path) return null;
    const ref = this.tokenFor(path, 'exportFile');
    return { token: ref.token, displayName: basename(path) };
  }

  /** The path behind a token chooseSaveFile handed out. @throws CustodianError('not_found'). */
  resolveSaveFile(token: string): string {
    return this.pathFor(token, 'exportFile');
  }

  /** The file behind a token chooseFile(purpose) handed out. @throws CustodianError('not_found'). */
  resolveFile(token: string, purpose: 'import' | 'evidence' | 'packet'): string {
    return this.pathFor(token, purpose === 'import' ? 'importFile' : purpose === 'evidence' ? 'evidenceFile' : 'packetFile');
  }

  /** Shows a file written to a chooseSaveFile location in the system's file manager. */
  async showInFolder(token: string): Promise<void> {
    await this.options.dialogs.showInFolder(this.pathFor(token, 'exportFile'));
  }

  async recent(): Promise<(LocationRef & { lastUser: string | null })[]> {
    const settings = await this.settings.load();
    this.autoLockMinutes = settings.autoLockMinutes;
    return settings.recent.map((r) => ({ ...this.tokenFor(r.path, 'vaultFolder'), lastUser: r.lastUser }));
  }

  private async remember(path: string, user: string): Promise<void> {
    await this.settings.update((s) => ({
      ...s,
      recent: [{ path, name: vaultDisplayName(path), lastUser: user, openedAt: new Date().toISOString() }, ...s.recent.filter((r) => r.path !== path)].slice(
        0,
        10,
      ),
    }));
  }

  private info(session: VaultSession): VaultInfo {
    return { vaultId: session.vaultId, name: vaultDisplayName(session.paths.dir), user: session.principal.name, role: session.principal.role };
  }

  /**
   * Makes `session` the open vault. Adoptions and locks run one at a time (`serial`): two
   * unlocks finishing together must not both keep a session and an auto-lock timer.
   */
  private adopt(session: VaultSession, genesisFingerprint?: string, locksAskedAtStart?: number): Promise<VaultInfo> {
    return this.serial(async () => {
      if (locksAskedAtStart !== undefined && locksAskedAtStart !== this.locksAsked) {
        await session.lock();
        throw new CustodianError('vault_locked', 'The vault was locked while it was opening (the computer was locked or went to sleep). Unlock it again.');
      }
      return this.adoptNow(session, genesisFingerprint);
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  private async adoptNow(session: VaultSession, genesisFingerprint?: string): Promise<VaultInfo> {
    await this.lockNow();
    this.session = session;
    if (genesisFingerprint) await this.settings.update((s) => ({ ...s, anchors: { ...s.anchors, [session.vaultId]: genesisFingerprint } }));
    const settings = await this.settings.load();
    this.autoLockMinutes = settings.autoLockMinutes;
    session.trustGenesis(settings.anchors[session.vaultId] ?? null);
    this.touch();
    this.timer = setInterval(() => {
      if (this.now() - this.lastActivity >= this.autoLockMinutes * 60_000) void this.lock();
    }, 5_000);
    this.timer.unref();
    await this.remember(session.paths.dir, session.principal.name);
    return this.info(session);
  }

  /** @param location a parent-folder token from chooseLocation('create'). */
  async create(input: {
    location: string;
    name: string;
    user: string;
    passphrase: string;
  }): Promise<{ vault: VaultInfo; recoveryKey: string; genesisFingerprint: string }> {
    const name = input.name.trim();
    if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u.test(name)) {
      throw new CustodianError('validation_failed', 'Vault names are 1-64 letters, digits, spaces, dots, dashes or underscores.');
    }
    const dir = join(this.pathFor(input.location, 'parentFolder'), `${name}.custodian`);
    const passphrase = Buffer.from(input.passphrase);
    let created: Awaited<ReturnType<typeof createVault>>;
    try {
      created = await createVault(dir, { user: input.user, passphrase, ...(this.options.kdf ? { kdf: this.options.kdf } : {}) });
    } finally {
      wipe(passphrase);
    }
    return {
      vault: await this.adopt(created.session, created.genesisFingerprint),
      recoveryKey: created.recoveryKey,
      genesisFingerprint: created.genesisFingerprint,
    };
  }

  /**
   * The demo vault: a fictional hospital kept in the app's data folder, created and filled on
   * first use, opened as `demo-officer` with a passphrase that is public by design (the data is
   * invented; never put real records in it).
   */
  async openDemo(): Promise<VaultInfo> {
    const locksAsked = this.locksAsked;
    const dir = join(this.options.dataDir, 'demo', `${DEMO_VAULT_NAME}.custodian`);
    const credential = { user: DEMO_USER, passphrase: Buffer.from(DEMO_PASSPHRASE) };
    if (!existsSync(join(dir, 'vault.header'))) {
      const created = await createVault(dir, { ...credential, ...(this.options.kdf ? { kdf: this.options.kdf } : {}) });
      try {
        // Loaded on first use: pdf-lib and the canvas are needed by nothing else.
        const { fillDemoVault } = await import('../demo/fillDemoVault');
        await fillDemoVault(created.session, { people: 400 });
      } catch (error) {
        await created.session.lock();
        throw error;
      }
      return this.adopt(created.session, created.genesisFingerprint, locksAsked);
    }
    return this.adopt(await this.open(dir, credential), undefined, locksAsked);
  }

  async unlock(input: { location: string } & ({ user: string; passphrase: string } | { recoveryKey: string })): Promise<VaultInfo> {
    const locksAsked = this.locksAsked;
    const dir = this.pathFor(input.location, 'vaultFolder');
    const credential: Credential =
      'recoveryKey' in input ? { recoveryKey: input.recoveryKey } : { user: input.user, passphrase: Buffer.from(input.passphrase) };
    try {
      return await this.adopt(await this.open(dir, credential), undefined, locksAsked);
    } finally {
      if ('passphrase' in credential) wipe(credential.passphrase);
    }
  }

  /** openVault, reporting a schema upgrade as it runs (see `upgrade()`). */
  private async open(dir: string, credential: Credential): Promise<VaultSession> {
    const own: { last: VaultUpgrade | null } = { last: null };
    const report = (upgrade: VaultUpgrade) => {
      own.last = upgrade;
      this.upgrading = upgrade;
      this.options.onUpgrade?.(upgrade);
    };
    try {
      return await openVault(dir, credential, { onUpgrade: report });
    } finally {
      // Cleared only if still this unlock's own (another unlock may be reporting by now).
      if (own.last !== null && this.upgrading === own.last) {
        this.upgrading = null;
        this.options.onUpgrade?.(null);
      }
    }
  }

  /** Where the running unlock's schema upgrade stands; null when none runs. */
  upgrade(): VaultUpgrade | null {
    return this.upgrading;
  }

  /**
   * Keeps `fingerprint` (typed from the recovery sheet) as the vault's genesis anchor on this
   * computer, once the whole log verifies from it. Never replaces a different kept one: that
   * would silence the very alarm it raises.
   */
  async keepGenesisFingerprint(fingerprint: string): Promise<void> {
    const session = this.current();
    session.require('log.verify', 'verify the audit log');
    const kept = (await this.settings.load()).anchors[session.vaultId];
    if (kept && kept !== fingerprint) {
      throw new CustodianError('conflict', `This computer already keeps a different genesis fingerprint for this vault (${kept}); it cannot be replaced here.`);
    }
    const result = await session.verifyLog({ trusted: { fingerprints: new Set([fingerprint]) } });
    if (!result.ok) {
      const genesis = result.genesis?.fingerprint;
      throw new CustodianError(
        genesis && genesis !== fingerprint ? 'validation_failed' : 'log_tampered',
        genesis && genesis !== fingerprint
          ? `That is not this log's genesis fingerprint (the log begins with ${genesis}). Check what you typed against the recovery sheet; if they match, the log was rewritten.`
          : `The audit log does not verify: ${result.problem?.reason ?? 'unknown problem'}.`,
      );
    }
    await this.settings.update((s) => ({ ...s, anchors: { ...s.anchors, [session.vaultId]: fingerprint } }));
    session.trustGenesis(fingerprint);
  }

  /** Wipes the key and closes the database. Safe to call at any time. */
  lock(): Promise<void> {
    this.locksAsked++;
    return this.serial(() => this.lockNow());
  }

  private async lockNow(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const session = this.session;
    this.session = null;
    if (session) for (const listener of this.lockListeners) listener(session);
    await session?.lock();
  }

  /** `listener` is called with each session as it is locked (by any route), before its key is wiped. */
  onLock(listener: (session: VaultSession) => void): void {
    this.lockListeners.push(listener);
  }

  touch(): void {
    this.lastActivity = this.now();
  }

  status(): { unlocked: VaultInfo | null; autoLockMinutes: number } {
    return { unlocked: this.session ? this.info(this.session) : null, autoLockMinutes: this.autoLockMinutes };
  }

  async setAutoLock(minutes: number): Promise<number> {
    const settings = await this.settings.update((s) => ({ ...s, autoLockMinutes: minutes }));
    this.autoLockMinutes = settings.autoLockMinutes;
    return this.autoLockMinutes;
  }

  /** The open session, for services. @throws CustodianError('vault_locked'). */
  current(): VaultSession {
    if (!this.session || this.session.isLocked) throw new CustodianError('vault_locked', 'The vault is locked. Unlock it to continue.');
    return this.session;
  }
}
