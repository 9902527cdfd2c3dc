import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { RestoreResult } from '../../core/backup/restoreBackup';
import type { PassphraseSlot } from '../../core/vault/vaultHeader';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { readPassphrase } from '../passphrase';
import type { VaultUpgrade } from '../../shared/vault/vaultUpgrade';
import { upgradeReporter, withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

interface RestoreFlags extends UnlockFlags {
  recoveryKeyFile?: string;
  json?: boolean;
}

/** The backup's first passphrase user (its creating administrator, unless removed). */
async function defaultBackupUser(backup: string): Promise<string> {
  const { peekBackupHeader } = await import('../../core/backup/readBackup');
  const header = await peekBackupHeader(backup);
  const slot = header?.slots.find((s): s is PassphraseSlot => s.kind === 'passphrase');
  if (!slot) {
    throw await custodianError('validation_failed', 'Cannot tell whose passphrase opens this backup: give --user, or --recovery-key-file.');
  }
  return slot.user;
}

/** A backup from an older version is upgraded as it is restored: a line per step on a terminal. */
function upgradeOptions(): { onUpgrade?: (upgrade: VaultUpgrade) => void } {
  const onUpgrade = upgradeReporter();
  return onUpgrade ? { onUpgrade } : {};
}

async function restoreWith(backup: string, vault: string, flags: RestoreFlags): Promise<RestoreResult> {
  const { restoreBackup } = await import('../../core/backup/restoreBackup');
  if (flags.recoveryKeyFile) {
    if (flags.passphraseFile || flags.user)
      throw await custodianError('validation_failed', 'give either --recovery-key-file or --user/--passphrase-file, not both');
    const text = await readFile(flags.recoveryKeyFile, 'utf8').catch(async () => {
      throw await custodianError('validation_failed', `cannot read recovery key file ${flags.recoveryKeyFile ?? ''}`);
    });
    return restoreBackup(backup, vault, { recoveryKey: text.trim() }, upgradeOptions());
  }
  const user = flags.user ?? (await defaultBackupUser(backup));
  const { wipe } = await import('../../core/crypto/wipe');
  const passphrase = await readPassphrase(flags.passphraseFile, `Passphrase for ${user}: `);
  try {
    return await restoreBackup(backup, vault, { user, passphrase }, upgradeOptions());
  } finally {
    wipe(passphrase);
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('write an encrypted single-file backup of the vault, verified after writing')
    .argument('<vault>')
    .argument('<out>', 'the backup file to create (must not exist; best on another disk)')
    .option('--user <name>', 'who acts (default: the first administrator)')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .option('--json', 'print {file, sha256, entries, bytes} as JSON')
    .action(async (vault: string, out: string, flags: UnlockFlags & { json?: boolean }) => {
      const { createBackup } = await import('../../core/backup/createBackup');
      const result = await withVault(vault, flags, (session) => createBackup(session, resolve(out)));
      if (flags.json) {
        sayJson(result);
      } else {
        say(`Backup written and verified: ${result.file} (${String(result.entries)} files, ${String(result.bytes)} bytes)`);
        say(`sha256 ${result.sha256}`);
      }
    });

  program
    .command('restore')
    .description('restore a backup into a new vault folder; opens with a passphrase or the recovery key of the backed-up vault')
    .argument('<backup>', 'a file written by `custodian backup`')
    .argument('<vault>', 'folder to create (must not exist, or be empty)')
    .option('--user <name>', 'whose passphrase opens it (default: the first administrator in the backup)')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .option('--recovery-key-file <file>', 'open with the recovery key (read from this file) instead of a passphrase')
    .option('--json', 'print {dir, vaultId, sha256, entries, user} as JSON')
    .action(async (backup: string, vault: string, flags: RestoreFlags) => {
      const result = await restoreWith(resolve(backup), resolve(vault), flags);
      if (flags.json) sayJson(result);
      else say(`Vault ${result.vaultId} restored to ${result.dir} by ${result.user} (${String(result.entries)} files; backup sha256 ${result.sha256}).`);
    });
}
