import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { VaultUpgrade } from '../shared/vault/vaultUpgrade';
import type { PassphraseSlot } from '../core/vault/vaultHeader';
import type { VaultSession } from '../core/vault/vaultSession';
import { custodianError } from './errors';
import { readPassphrase } from './passphrase';

export interface UnlockFlags {
  user?: string;
  passphraseFile?: string;
}

/** Adds the options every command that unlocks a vault takes: --user and --passphrase-file. */
export function unlockOptions(command: Command): Command {
  return command.option('--user <name>', 'who acts (default: the first administrator)').option('--passphrase-file <file>', 'read the passphrase from a file');
}

/** The first passphrase slot's user: the vault's creating admin, unless removed. */
export async function defaultUser(dir: string): Promise<string> {
  const { readHeader } = await import('../core/vault/vaultHeader');
  const { vaultPaths } = await import('../core/vault/vaultPaths');
  const header = await readHeader(vaultPaths(dir).header);
  const slot = header.slots.find((s): s is PassphraseSlot => s.kind === 'passphrase');
  if (!slot) throw await custodianError('vault_tampered', 'this vault has no passphrase slot');
  return slot.user;
}

/**
 * On a terminal, one line per step of a schema upgrade (the first unlock after an update; long
 * on a large vault). Scripts see nothing: their stderr stays for errors. Terminal writes are
 * synchronous on Linux and macOS, so the line appears before the step blocks; on Windows they
 * are not, and the line may appear only once the step ends.
 */
export function upgradeReporter(): ((upgrade: VaultUpgrade) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (upgrade) => {
    const what = upgrade.phase === 'compacting' ? 'reclaiming free space' : `step ${String(upgrade.step)} of ${String(upgrade.steps)}, ${upgrade.name}`;
    process.stderr.write(`Upgrading the vault's database (schema ${String(upgrade.fromVersion)} to ${String(upgrade.toVersion)}): ${what}…\n`);
  };
}

/** Unlocks, runs `work`, always locks (wiping the key). */
export async function withVault<T>(dir: string, flags: UnlockFlags, work: (session: VaultSession) => Promise<T>): Promise<T> {
  // Core (SQLite driver and all) loads only when a command opens a vault.
  const { openVault } = await import('../core/vault/openVault');
  const { wipe } = await import('../core/crypto/wipe');
  const vaultDir = resolve(dir);
  const user = flags.user ?? (await defaultUser(vaultDir));
  const passphrase = await readPassphrase(flags.passphraseFile, `Passphrase for ${user}: `);
  let session: VaultSession;
  try {
    const onUpgrade = upgradeReporter();
    session = await openVault(vaultDir, { user, passphrase }, onUpgrade ? { onUpgrade } : {});
  } finally {
    wipe(passphrase);
  }
  try {
    return await work(session);
  } finally {
    await session.lock();
  }
}
