import { CommanderError } from 'commander';
import { exitCodeFor } from './exitCodes';
import { buildProgram } from './program';

// Entry point of `custodian`. Contract with scripts and auditors: exit 0 on success; otherwise a
// non-zero code and exactly one line on stderr saying why.

// `custodian status VAULT | head`: the reader left; stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0.
    if (error.code === 'commander.help') {
      process.stderr.write('custodian: no command given; see `custodian --help`\n');
    } else if (error.exitCode !== 0) {
      process.stderr.write(`custodian: ${error.message.replace(/^error: /, '')}\n`);
    }
    process.exit(error.exitCode);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`custodian: ${message.split('\n')[0] ?? 'failed'}\n`);
  process.exit(await exitCodeFor(error));
}
