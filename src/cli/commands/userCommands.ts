import type { Command } from 'commander';
import { ROLES } from '../../shared/roles';
import type { Role } from '../../shared/roles';
import { parseKdfFlag } from '../kdfFlag';
import { say, sayJson } from '../output';
import { readNewPassphrase } from '../passphrase';
import { unlockOptions, withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

type KdfFlag = { kdf: string };

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage users and their passphrases');

  unlockOptions(user.command('add').description('add a user (admin only)').argument('<vault>'))
    .requiredOption('--name <name>', 'the new user')
    .requiredOption('--role <role>', ROLES.join('|'))
    .option('--full-name <name>', 'the printed name their electronic signatures show (default: the user name)')
    .option('--new-passphrase-file <file>', "the new user's passphrase, from a file")
    .option('--kdf <mode>', 'calibrate or minimum', 'calibrate')
    .action(async (vault: string, flags: UnlockFlags & KdfFlag & { name: string; role: string; fullName?: string; newPassphraseFile?: string }) => {
      if (!(ROLES as readonly string[]).includes(flags.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      const { addUser } = await import('../../core/users/userService');
      const { wipe } = await import('../../core/crypto/wipe');
      await withVault(vault, flags, async (session) => {
        const passphrase = await readNewPassphrase(flags.newPassphraseFile, `Passphrase for ${flags.name}: `);
        try {
          await addUser(session, {
            name: flags.name,
            role: flags.role as Role,
            passphrase,
            kdf: await parseKdfFlag(flags.kdf),
            ...(flags.fullName ? { fullName: flags.fullName } : {}),
          });
        } finally {
          wipe(passphrase);
        }
        say(`added ${flags.name} (${flags.role})`);
      });
    });

  unlockOptions(user.command('remove').description('remove a user (admin only)').argument('<vault>'))
    .requiredOption('--name <name>', 'the user to remove')
    .option('--reason <reason>', 'recorded in the audit log', 'removed by an administrator')
    .action(async (vault: string, flags: UnlockFlags & { name: string; reason: string }) => {
      const { removeUser } = await import('../../core/users/userService');
      await withVault(vault, flags, async (session) => {
        await removeUser(session, flags.name, flags.reason);
        say(`removed ${flags.name}`);
      });
    });

  unlockOptions(
    program.command('policy').description('vault policy: which roles may not sign a review of evidence they added (admin; logged)').argument('<vault>'),
  )
    .requiredOption('--deny-self-review <roles>', 'roles that may not review their own uploads, comma-separated, e.g. reviewer,officer ("none" for none)')
    .requiredOption('--reason <reason>', 'recorded in the audit log')
    .action(async (vault: string, flags: UnlockFlags & { denySelfReview: string; reason: string }) => {
      const { setNoSelfReviewRoles } = await import('../../core/vault/vaultPolicies');
      const roles =
        flags.denySelfReview === 'none'
          ? []
          : flags.denySelfReview
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean);
      await withVault(vault, flags, async (session) => {
        const set = await setNoSelfReviewRoles(session, roles as Role[], flags.reason);
        say(set.length === 0 ? 'any role may review evidence it added' : `${set.join(', ')} may not sign a review of evidence they added`);
      });
    });

  unlockOptions(user.command('full-name').description("set the printed name electronic signatures show (yours, or as admin anyone's)").argument('<vault>'))
    .option('--name <name>', 'whose (default: your own)')
    .requiredOption('--full-name <name>', 'e.g. "Dana Reyes, RN"')
    .action(async (vault: string, flags: UnlockFlags & { name?: string; fullName: string }) => {
      const { setFullName } = await import('../../core/users/userService');
      await withVault(vault, flags, async (session) => {
        const name = flags.name ?? session.principal.name;
        await setFullName(session, name, flags.fullName);
        say(`${name} signs as ${flags.fullName.trim()}`);
      });
    });

  unlockOptions(user.command('passwd').description("change your passphrase, or (admin) another user's").argument('<vault>'))
    .option('--name <name>', 'whose passphrase (default: your own)')
    .option('--new-passphrase-file <file>', 'the new passphrase, from a file')
    .option('--kdf <mode>', 'calibrate or minimum', 'calibrate')
    .action(async (vault: string, flags: UnlockFlags & KdfFlag & { name?: string; newPassphraseFile?: string }) => {
      const { changePassphrase } = await import('../../core/users/userService');
      const { wipe } = await import('../../core/crypto/wipe');
      await withVault(vault, flags, async (session) => {
        const newPassphrase = await readNewPassphrase(flags.newPassphraseFile);
        try {
          await changePassphrase(session, { ...(flags.name ? { name: flags.name } : {}), newPassphrase, kdf: await parseKdfFlag(flags.kdf) });
        } finally {
          wipe(newPassphrase);
        }
        say(`passphrase changed for ${flags.name ?? session.principal.name}`);
      });
    });

  unlockOptions(user.command('list').description('list current users').argument('<vault>'))
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: UnlockFlags & { json?: boolean }) => {
      const { listUsers } = await import('../../core/users/userService');
      await withVault(vault, flags, async (session) => {
        const users = await listUsers(session);
        if (flags.json) sayJson(users);
        else for (const u of users) say(`${u.name}\t${u.role}${u.kind === 'recovery' ? ' (recovery key)' : ''}`);
      });
    });
}
