import { randomBytes, randomUUID } from 'node:crypto';
import { CustodianError } from '../../shared/errors';
import type { Role } from '../../shared/roles';
import type { AuditEvent } from '../audit/auditLog';
import { stateHash } from '../audit/auditLog';
import { activeChainKeys, enrollEvent, retireEvent } from '../audit/keyChain';
import { wipe } from '../crypto/wipe';
import type { WritableDb } from '../db/database';
import type { CreateVaultOptions } from '../vault/createVault';
import { assertStrongPassphrase, assertUserName, kdfFor } from '../vault/createVault';
import { createPassphraseSlot, createRecoverySlot, signingKeyFromSeed } from '../vault/keySlots';
import { formatRecoveryKey } from '../vault/recoveryKey';
import type { KeySlot } from '../vault/vaultHeader';
import { readHeader, sealHeader, verifyHeaderMac, writeHeader } from '../vault/vaultHeader';
import type { VaultSession } from '../vault/vaultSession';

// Users are a key slot in vault.header plus a row in `users`. The header is rewritten inside
// the database transaction, just before it commits: a crash in between leaves at worst a slot
// that belongs to no user, which unlock refuses and an admin can remove.

export interface UserInfo {
  name: string;
  role: Role;
  kind: 'person' | 'recovery';
  createdAt: string;
}

interface UserRow {
  id: string;
  name: string;
  kind: 'person' | 'recovery';
  role: Role;
  slot_id: string | null;
  created_at: string;
}

/**
 * Changes the slots of the header as it is on disk now, not as this session read it at unlock:
 * another process may have added a user or changed a passphrase since. Called inside the write
 * transaction (BEGIN IMMEDIATE), which no other writer holds at the same time, so the read and
 * the write are one step for every other Custodian process.
 */
async function rewriteSlots(session: VaultSession, change: (slots: readonly KeySlot[]) => KeySlot[]): Promise<void> {
  const onDisk = await readHeader(session.paths.header);
  verifyHeaderMac(session.dataKey, onDisk);
  const header = sealHeader(session.dataKey, {
    format: onDisk.format,
    version: onDisk.version,
    vaultId: onDisk.vaultId,
    createdAt: onDisk.createdAt,
    slots: change(onDisk.slots),
  });
  await writeHeader(session.paths.header, header);
  session.setHeader(header);
}

/**
 * Retires the user's active signing keys (a key is retired once, never deleted): their log
 * entries. Which keys are active is read from the log's chain, not from `signing_keys`, which a
 * holder of the vault key could edit to keep a key alive past its user's removal.
 */
function retireKeys(db: WritableDb, user: { id: string; name: string }, now: string, reason: string): AuditEvent[] {
  const keys = activeChainKeys(db, user.name);
  db.run('UPDATE signing_keys SET retired_at = ? WHERE user_id = ? AND retired_at IS NULL', [now, user.id]);
  for (const key of keys) db.run('UPDATE signing_keys SET retired_at = coalesce(retired_at, ?) WHERE public_key = ?', [now, key]);
  return keys.map((key) => retireEvent(user.name, key, reason));
}

/** Stores a new signing key for the user: its enrolment entry, signed by the acting user. */
function enrollKey(db: WritableDb, user: { id: string; name: string }, publicKey: string, now: string, reason: string): AuditEvent {
  db.run('INSERT INTO signing_keys (public_key, user_id, created_at) VALUES (?, ?, ?)', [publicKey, user.id, now]);
  return enrollEvent(user.name, publicKey, reason);
}

function activeUser(db: WritableDb, name: string): UserRow {
  const row = db.get<UserRow>("SELECT * FROM users WHERE name = ? AND removed_at IS NULL AND kind = 'person'", [name]);
  if (!row) throw new CustodianError('not_found', `No user named ${name} in this vault.`);
  return row;
}

export async function listUsers(session: VaultSession): Promise<UserInfo[]> {
  const rows = await session.read((db) => db.all<UserRow>('SELECT * FROM users WHERE removed_at IS NULL ORDER BY created_at, name'));
  return rows.map((r) => ({ name: r.name, role: r.role, kind: r.kind, createdAt: r.created_at }));
}

export async function addUser(
  session: VaultSession,
  input: { name: string; role: Role; passphrase: Uint8Array; kdf?: CreateVaultOptions['kdf']; fullName?: string },
): Promise<UserInfo> {
  session.require('users.manage', 'add users');
  assertUserName(input.name);
  const fullName = input.fullName?.trim() ?? null;
  if (fullName !== null && !isOneLineName(fullName)) {
    throw new CustodianError('validation_failed', 'A full name is 1-120 characters on one line.');
  }
  assertStrongPassphrase(input.passphrase, [input.name]);
  const slot = await createPassphraseSlot(session.vaultId, input.name, input.passphrase, session.dataKey, await kdfFor(input.kdf));
  const now = new Date().toISOString();
  return session.mutate(async (db) => {
    const clash = db.get('SELECT 1 FROM users WHERE name = ?', [input.name]);
    if (clash) throw new CustodianError('conflict', `A user named ${input.name} exists or existed in this vault; choose another name.`);
    const id = randomUUID();
    db.run("INSERT INTO users (id, name, kind, role, slot_id, created_at, full_name) VALUES (?, ?, 'person', ?, ?, ?, ?)", [
      id,
      input.name,
      input.role,
      slot.id,
      now,
      fullName,
    ]);
    const enrolled = enrollKey(db, { id, name: input.name }, slot.signing.publicKey, now, 'user added');
    await rewriteSlots(session, (slots) => [...slots, slot]);
    const info: UserInfo = { name: input.name, role: input.role, kind: 'person', createdAt: now };
    return { result: info, events: [{ action: 'user.add', target: input.name, after: stateHash({ ...info, fullName }) }, enrolled] };
  });
}

/** 1-120 characters, none of them a control character (one printed line). */
function isOneLineName(value: string): boolean {
  if (value.length === 0 || value.length > 120) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 32 || code === 127) return false;
  }
  return true;
}

/**
 * Sets the printed name a user's electronic signatures show (21 CFR 11.50(a)(1)): their own, or
 * (admin) anyone's. Logged. Signatures made before keep the name they were signed with.
 */
export async function setFullName(session: VaultSession, name: string, fullName: string): Promise<void> {
  if (name !== session.principal.name) session.require('users.manage', "set another user's full name");
  const value = fullName.trim();
  if (!isOneLineName(value)) throw new CustodianError('validation_failed', 'A full name is 1-120 characters on one line.');
  await session.mutate((db) => {
    const user = db.get<{ id: string }>('SELECT id FROM users WHERE name = ? AND removed_at IS NULL', [name]);
    if (!user) throw new CustodianError('not_found', `There is no user ${name} in this vault.`);
    db.run('UPDATE users SET full_name = ? WHERE id = ?', [value, user.id]);
    return { result: undefined, events: [{ action: 'user.full-name', target: name, after: stateHash({ fullName: value }) }] };
  });
}

export async function removeUser(session: VaultSession, name: string, reason: string): Promise<void> {
  session.require('users.manage', 'remove users');
  if (name === session.principal.name) throw new CustodianError('conflict', 'You cannot remove yourself; ask another administrator.');
  const now = new Date().toISOString();
  await session.mutate(async (db) => {
    const row = activeUser(db, name);
    if (row.role === 'admin') {
      const admins = db.get<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND kind = 'person' AND removed_at IS NULL");
      if ((admins?.n ?? 0) <= 1) throw new CustodianError('conflict', 'A vault must keep at least one administrator.');
    }
    db.run('UPDATE users SET removed_at = ?, slot_id = NULL WHERE id = ?', [now, row.id]);
    const retired = retireKeys(db, row, now, 'user removed');
    await rewriteSlots(session, (slots) => slots.filter((s) => s.id !== row.slot_id));
    return { result: undefined, events: [{ action: 'user.remove', target: name, reason }, ...retired] };
  });
}

/**
 * Changes a passphrase. Users change their own (keeping their signing key); an admin may
 * reset another user's, which gives that user a new signing key (the old one is retired but
 * stays trusted for the checkpoints it already signed).
 */
export async function changePassphrase(
  session: VaultSession,
  input: { name?: string; newPassphrase: Uint8Array; kdf?: CreateVaultOptions['kdf'] },
): Promise<void> {
  const name = input.name ?? session.principal.name;
  const own = name === session.principal.name;
  if (!own) session.require('users.manage', "change another user's passphrase");
  if (session.principal.kind === 'recovery' && own) {
    throw new CustodianError('validation_failed', 'The recovery key has no passphrase; replace the recovery key instead.');
  }
  assertStrongPassphrase(input.newPassphrase, [name]);
  const seed = own ? session.signingSeed() : randomBytes(32);
  const now = new Date().toISOString();
  try {
    const slot = await createPassphraseSlot(session.vaultId, name, input.newPassphrase, session.dataKey, await kdfFor(input.kdf), seed);
    await session.mutate(async (db) => {
      const row = activeUser(db, name);
      db.run('UPDATE users SET slot_id = ? WHERE id = ?', [slot.id, row.id]);
      const keyEvents = own ? [] : [...retireKeys(db, row, now, 'passphrase reset'), enrollKey(db, row, slot.signing.publicKey, now, 'passphrase reset')];
      await rewriteSlots(session, (slots) => [...slots.filter((s) => s.id !== row.slot_id), slot]);
      return { result: undefined, events: [{ action: own ? 'user.passwd' : 'user.reset-passphrase', target: name }, ...keyEvents] };
    });
  } finally {
    wipe(seed);
  }
  if (own) session.setSlotId(session.header.slots.find((s) => s.kind === 'passphrase' && s.user === name)?.id ?? session.principal.slotId);
}

/** Replaces the recovery key: the old one stops working at once. @returns the new key, shown once. */
export async function replaceRecoveryKey(session: VaultSession): Promise<string> {
  session.require('recovery.replace', 'replace the recovery key');
  const recovery = randomBytes(32);
  const seed = randomBytes(32);
  const now = new Date().toISOString();
  try {
    const slot = createRecoverySlot(session.vaultId, recovery, session.dataKey, seed);
    await session.mutate(async (db) => {
      const row = db.get<UserRow>("SELECT * FROM users WHERE kind = 'recovery' AND removed_at IS NULL");
      if (!row) throw new CustodianError('vault_tampered', 'The recovery principal is missing from the database.');
      db.run('UPDATE users SET slot_id = ? WHERE id = ?', [slot.id, row.id]);
      const keyEvents = [...retireKeys(db, row, now, 'recovery key replaced'), enrollKey(db, row, slot.signing.publicKey, now, 'recovery key replaced')];
      await rewriteSlots(session, (slots) => [...slots.filter((s) => s.kind !== 'recovery'), slot]);
      return { result: undefined, events: [{ action: 'recovery.replace', target: 'recovery' }, ...keyEvents] };
    });
    // A session opened with the recovery key signs from now on with the new key: the old one is
    // retired and may sign nothing after the checkpoint that retired it.
    if (session.principal.kind === 'recovery') session.replaceSigningKey(signingKeyFromSeed(seed), slot.id);
    return formatRecoveryKey(recovery);
  } finally {
    wipe(recovery, seed);
  }
}
