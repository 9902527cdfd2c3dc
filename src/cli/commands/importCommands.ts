import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ImportKind } from '../../core/import/headerMap';
import type { ImportResult } from '../../core/import/importFile';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

const KINDS: readonly ImportKind[] = ['roster', 'completions', 'certifications'];

interface ImportFlags extends UnlockFlags {
  as?: string;
  map: string[];
  dateFormat?: string;
  sheet?: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

function printReport(result: ImportResult): void {
  say(
    `${result.file}: ${result.kind}, ${result.format}${result.encoding ? ` (${result.encoding}${result.delimiter ? `, delimiter ${JSON.stringify(result.delimiter)}` : ''})` : ''}${result.sheet ? ` sheet "${result.sheet}"` : ''}`,
  );
  for (const warning of result.warnings) say(`  note: ${warning}`);
  say(
    `  columns: ${Object.entries(result.mapping)
      .map(([header, field]) => `${header} -> ${field}`)
      .join(', ')}`,
  );
  if (result.ignoredColumns.length) say(`  ignored columns: ${result.ignoredColumns.join(', ')}`);
  say(
    `  rows ${String(result.rows)}: ${String(result.inserted)} inserted, ${String(result.updated)} updated, ${String(result.unchanged)} unchanged, ${String(result.invalid)} invalid${result.coursesCreated ? `; ${String(result.coursesCreated)} new course(s)` : ''}`,
  );
  for (const entry of result.report) {
    say(
      `  row ${String(entry.row)}${entry.column ? `, ${entry.column}` : ''}${entry.value !== null ? ` = ${JSON.stringify(entry.value)}` : ''}: ${entry.reason}`,
    );
  }
  if (result.report.length < result.invalid) say(`  ... and ${String(result.invalid - result.report.length)} more`);
  say(result.committed ? '  committed.' : result.dryRun ? '  dry run: nothing was changed.' : '  nothing was imported.');
}

export function registerImportCommands(program: Command): void {
  program
    .command('import')
    .description('import a roster, completions or certifications export (CSV or XLSX), all or nothing')
    .argument('<vault>')
    .argument('<file>')
    .option('--as <kind>', 'roster, completions or certifications (default: detected from the headers)')
    .option(
      '--map <header=field>',
      'map a column to a field (repeatable); field "ignore" drops it',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--date-format <format>', 'dd/mm/yyyy or mm/dd/yyyy, for slash dates that read either way')
    .option('--sheet <name>', 'XLSX: the worksheet to read (default: the first)')
    .option('--skip-invalid', 'import the valid rows and report the rest')
    .option('--dry-run', 'validate and count, change nothing')
    .option('--json', 'print counts and the report as JSON')
    .option('--user <name>', 'who imports (default: the first administrator)')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .action(async (vault: string, file: string, flags: ImportFlags) => {
      const kind = KINDS.find((k) => k === flags.as);
      if (flags.as !== undefined && !kind) throw await custodianError('validation_failed', '--as must be roster, completions or certifications');
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw await custodianError('not_found', `${file} is not a readable file`);
      const { importFile } = await import('../../core/import/importFile');
      const result = await withVault(vault, flags, (session) =>
        importFile(session, file, {
          ...(kind ? { as: kind } : {}),
          map: flags.map,
          ...(flags.dateFormat ? { dateFormat: flags.dateFormat } : {}),
          ...(flags.sheet ? { sheet: flags.sheet } : {}),
          skipInvalid: flags.skipInvalid ?? false,
          dryRun: flags.dryRun ?? false,
        }),
      );
      if (flags.json) sayJson(result);
      else printReport(result);
      // A dry run answers with the exit code the import itself would give.
      if (!result.committed && !result.dryRun) {
        throw await custodianError('validation_failed', `${String(result.invalid)} invalid row(s): nothing was imported (fix them, or use --skip-invalid)`);
      }
      if (result.dryRun && result.invalid > 0 && !flags.skipInvalid) {
        throw await custodianError(
          'validation_failed',
          `dry run: ${String(result.invalid)} invalid row(s): the import would import nothing (fix them, or use --skip-invalid)`,
        );
      }
    });

  program
    .command('stats')
    .description('count the records in the vault')
    .argument('<vault>')
    .option('--json', 'machine-readable output')
    .option('--user <name>', 'who asks (default: the first administrator)')
    .option('--passphrase-file <file>', 'read the passphrase from a file')
    .action(async (vault: string, flags: UnlockFlags & { json?: boolean }) => {
      const { vaultStats } = await import('../../core/records/vaultStats');
      const stats = await withVault(vault, flags, (session) => vaultStats(session));
      if (flags.json) sayJson(stats);
      else for (const [name, count] of Object.entries(stats)) say(`${name}\t${String(count)}`);
    });
}
