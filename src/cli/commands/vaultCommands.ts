import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseKdfFlag } from '../kdfFlag';
import { say, sayJson } from '../output';
import { readPassphrase } from '../passphrase';
import { withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

interface InitFlags {
  user: string;
  passphraseFile?: string;
  kdf: string;
  json?: boolean;
}

export function registerVaultCommands(program: Command): void {
  program
    .command('init')
    .description('create a new vault; prints the recovery key once')
    .argument('<vault>', 'folder to create (e.g. acme.custodian)')
    .option('--user <name>', 'the first administrator', 'admin')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .option('--kdf <mode>', 'Argon2id cost: calibrate (0.5-1 s here) or minimum (64 MiB, t=3)', 'calibrate')
    .option('--json', 'print {vaultId, recoveryKey, genesisFingerprint} as JSON')
    .action(async (vault: string, flags: InitFlags) => {
      const kdf = await parseKdfFlag(flags.kdf);
      const { createVault } = await import('../../core/vault/createVault');
      const { wipe } = await import('../../core/crypto/wipe');
      const passphrase = await readPassphrase(flags.passphraseFile, `Passphrase for ${flags.user}: `);
      try {
        const created = await createVault(resolve(vault), { user: flags.user, passphrase, kdf });
        await created.session.lock();
        if (flags.json) {
          sayJson({ vaultId: created.vaultId, recoveryKey: created.recoveryKey, genesisFingerprint: created.genesisFingerprint });
        } else {
          say(`Vault created: ${resolve(vault)} (id ${created.vaultId}), administrator ${flags.user}.`);
          say('Recovery key (shown once: print it and keep it somewhere safe; it opens the vault if every passphrase is lost):');
          say(`  ${created.recoveryKey}`);
          say('Genesis key fingerprint (keep it with the recovery key: `custodian log verify --trusted` proves the audit log against it):');
          say(`  ${created.genesisFingerprint}`);
        }
      } finally {
        wipe(passphrase);
      }
    });

  program
    .command('unlock-check')
    .description('exit 0 if the passphrase opens the vault')
    .argument('<vault>')
    .option('--user <name>', 'whose slot to open (default: the first administrator)')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: UnlockFlags & { json?: boolean }) => {
      await withVault(vault, flags, (session) => {
        if (flags.json) sayJson({ ok: true, vaultId: session.vaultId, user: session.principal.name, role: session.principal.role });
        else say(`ok: ${session.principal.name} (${session.principal.role}) can open vault ${session.vaultId}`);
        return Promise.resolve();
      });
    });

  const recovery = program.command('recovery').description('open the vault with stock tools (admin only, logged)');
  recovery
    .command('export-key')
    .description('print the raw SQLCipher database key (hex)')
    .argument('<vault>')
    .option('--user <name>', 'an administrator')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .action(async (vault: string, flags: UnlockFlags) => {
      const { exportDataKey } = await import('../../core/vault/recoveryExport');
      await withVault(vault, flags, async (session) => {
        say(await exportDataKey(session));
      });
    });
}
