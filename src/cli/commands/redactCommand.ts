import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RedactionBox } from '../../shared/redaction/redactionTypes';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { unlockOptions, withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

interface RedactFlags extends UnlockFlags {
  box: string[];
  term: string[];
  pii?: boolean;
  ocr?: boolean;
  dpi?: string;
  reason?: string;
  keepText?: boolean;
  vault?: string;
  force?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `PAGE:X,Y,W,H` → a box; anything else is refused with the expected form. */
async function parseBox(text: string): Promise<RedactionBox> {
  const match = /^(\d+):(-?[\d.]+),(-?[\d.]+),([\d.]+),([\d.]+)$/.exec(text.trim());
  const [page, x, y, width, height] = (match?.slice(1) ?? []).map(Number);
  if (
    page === undefined ||
    x === undefined ||
    y === undefined ||
    width === undefined ||
    height === undefined ||
    ![x, y, width, height].every(Number.isFinite) ||
    page < 1 ||
    width <= 0 ||
    height <= 0
  ) {
    throw await custodianError('validation_failed', `--box ${text}: expected PAGE:X,Y,W,H (page from 1, positive width and height), e.g. 1:72,700,200,20`);
  }
  return { page, x, y, width, height };
}

export function registerRedactCommand(program: Command): void {
  unlockOptions(
    program
      .command('redact')
      .description('burn redactions into a PDF or image: every page rasterised, nothing of the source kept but pixels')
      .argument('<in>', 'a PDF, PNG, JPEG or TIFF')
      .argument('<out>', 'the redacted file to write (PDF for a PDF; PNG or JPEG for an image)'),
  )
    .option(
      '--box <PAGE:X,Y,W,H>',
      'a box to redact (PDF: points from the bottom-left of the page as displayed, crop box and rotation applied; image: pixels from the top-left); repeatable',
      collect,
      [],
    )
    .option('--term <text>', 'redact every occurrence of this text (text layer, and OCR words with --ocr); repeatable', collect, [])
    .option('--pii', 'apply the suggestions: SSNs, e-mails, phone numbers, dates of birth, MRNs, street addresses')
    .option('--ocr', 'read scans (pages without a text layer, and images) with OCR, for --term and --pii')
    .option('--dpi <n>', 'rasterise PDF pages at this DPI (default 200)')
    .option('--keep-text', 'keep a searchable text layer of the words no box touches')
    .option('--reason <code>', 'why: HIPAA-PHI, GDPR-minimisation, third-party-PII or your own code')
    .option('--vault <dir>', "also suggest the names, e-mails and employee ids of this vault's people")
    .option('--force', 'overwrite <out> if it exists')
    .option('--json', 'print what was redacted, per page, as JSON')
    .action(async (input: string, output: string, flags: RedactFlags) => {
      const { REASON_CODE_PATTERN } = await import('../../shared/redaction/redactionTypes');
      if (flags.reason !== undefined && !REASON_CODE_PATTERN.test(flags.reason)) {
        throw await custodianError('validation_failed', '--reason: a code of letters, digits and dashes, starting with a letter (e.g. HIPAA-PHI).');
      }
      const boxes = await Promise.all(flags.box.map(parseBox));
      const dpi = flags.dpi === undefined ? undefined : Number(flags.dpi);
      if (resolve(input) === resolve(output)) throw await custodianError('validation_failed', '<out> must not be <in>: the original is kept unchanged.');
      const info = await stat(input).catch(() => null);
      if (!info?.isFile()) throw await custodianError('not_found', `${input} is not a readable file`);
      if (!flags.force && (await stat(output).catch(() => null)))
        throw await custodianError('conflict', `${output} exists; choose another name or pass --force.`);
      if (!(await stat(dirname(resolve(output))).catch(() => null))?.isDirectory())
        throw await custodianError(
          'validation_failed',
          `${dirname(resolve(output))} is not a folder: <out> must be in an existing folder. Nothing was written.`,
        );
      const { redactDocument } = await import('../../core/redaction/redactDocument');
      const { writeFileAtomic } = await import('../../core/fs/atomicWrite');
      const people = flags.vault
        ? await withVault(flags.vault, flags, async (session) => (await import('../../core/redaction/knownPeople')).knownPeople(session))
        : undefined;
      const bytes = new Uint8Array(await readFile(input));
      const ocr = flags.ocr ? await (await import('../../core/redaction/ocrEngine')).startOcr() : null;
      const progress = process.stderr.isTTY && !flags.json;
      let result;
      try {
        result = await redactDocument(bytes, {
          boxes,
          terms: flags.term,
          pii: flags.pii ?? false,
          people,
          ocr,
          dpi,
          keepText: flags.keepText ?? false,
          // Beside the output, on its disk (the OS temp folder may be memory).
          spillDir: dirname(resolve(output)),
          onProgress: progress ? (done, total) => process.stderr.write(`\rpage ${done} of ${total}`) : undefined,
        });
      } finally {
        if (progress) process.stderr.write('\n');
        await ocr?.stop();
      }
      try {
        await writeFileAtomic(output, result.output.stream());
      } finally {
        await result.output.dispose();
      }
      const { report } = result;
      if (flags.json) {
        sayJson({ output: resolve(output), format: result.format, reason: flags.reason ?? null, ...report });
        return;
      }
      const total = report.pages.reduce((sum, p) => sum + p.boxes.length, 0);
      say(`${output}: ${total} box${total === 1 ? '' : 'es'} on ${report.pages.filter((p) => p.boxes.length).length} of ${report.pages.length} page(s)`);
      for (const note of [...report.pages.flatMap((p) => p.notes), ...report.notes]) say(note);
    });
}
