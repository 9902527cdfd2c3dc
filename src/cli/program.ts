import { Command } from 'commander';
import { tmpdir } from 'node:os';
import { APP_VERSION } from '../core/version';
import { registerBackupCommands } from './commands/backupCommands';
import { registerDemoCommands } from './commands/demoCommands';
import { registerEvidenceCommands } from './commands/evidenceCommands';
import { registerComplianceCommands } from './commands/complianceCommands';
import { registerImportCommands } from './commands/importCommands';
import { registerLogCommands } from './commands/logCommands';
import { registerPacketCommands } from './commands/packetCommands';
import { registerRedactCommand } from './commands/redactCommand';
import { registerUserCommands } from './commands/userCommands';
import { registerVaultCommands } from './commands/vaultCommands';

/** Builds the `custodian` command tree. Commands print results on stdout; errors are thrown. */
export function buildProgram(): Command {
  const program = new Command('custodian')
    .description('Custodian: encrypted training records and signed audit packets, offline.')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      // Commander's own errors are reported by main.ts as one line.
      writeErr: () => undefined,
    })
    .showSuggestionAfterError(false)
    .allowExcessArguments(false);

  program
    .command('selftest')
    .description('check that this computer offers what a vault needs')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { runSelfTest } = await import('../core/diagnostics/selfTest');
      const checks = runSelfTest(tmpdir());
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks })}\n`);
      } else {
        for (const check of checks) {
          process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.label}: ${check.detail}\n`);
        }
      }
      if (!checks.every((c) => c.ok)) {
        throw new Error(`${String(checks.filter((c) => !c.ok).length)} environment check(s) failed`);
      }
    });

  registerVaultCommands(program);
  registerUserCommands(program);
  registerEvidenceCommands(program);
  registerLogCommands(program);
  registerImportCommands(program);
  registerComplianceCommands(program);
  registerDemoCommands(program);
  registerBackupCommands(program);
  registerRedactCommand(program);
  registerPacketCommands(program);
  return program;
}
