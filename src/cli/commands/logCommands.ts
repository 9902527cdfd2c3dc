import type { Command } from 'commander';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('the tamper-evident audit log');
  log
    .command('verify')
    .description('recompute the log and check every signed checkpoint; exit 0 if intact')
    .argument('<vault>')
    .option('--user <name>', 'who verifies (default: the first administrator)')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: UnlockFlags & { json?: boolean }) => {
      const result = await withVault(vault, flags, async (session) => {
        session.require('log.verify', 'verify the audit log');
        return session.verifyLog();
      });
      if (flags.json) sayJson(result);
      else if (result.ok) say(`ok: ${String(result.size)} entries, ${String(result.checkpoints)} signed checkpoints, root ${result.root}`);
      if (!result.ok) {
        const where = result.problem?.seq !== null && result.problem?.seq !== undefined ? ` at entry ${String(result.problem.seq)}` : '';
        throw await custodianError('log_tampered', `audit log verification failed${where}: ${result.problem?.reason ?? 'unknown problem'}`);
      }
    });
}
