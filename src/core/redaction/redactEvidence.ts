import { CustodianError } from '../../shared/errors';
import type { RedactionBox } from '../../shared/redaction/redactionTypes';
import { REASON_CODE_PATTERN } from '../../shared/redaction/redactionTypes';
import { addEvidence, getEvidenceMeta, readEvidence } from '../evidence/evidenceStore';
import type { EvidenceMeta } from '../evidence/evidenceStore';
import { CollectStream } from '../fs/collectStream';
import type { VaultSession } from '../vault/vaultSession';
import { knownPeople } from './knownPeople';
import type { OcrEngine } from './ocrEngine';
import { startOcr } from './ocrEngine';
import { REDACTED_EXTENSION, redactDocument } from './redactDocument';
import type { RedactedOutput } from './redactDocument';
import type { RedactionReport } from './redactPdf';

/** Largest original redacted in the app (decrypted into core's memory; pdf.js needs it whole). */
export const MAX_REDACT_BYTES = 256 * 1024 * 1024;

export interface RedactEvidenceInput {
  evidenceId: string;
  boxes: readonly RedactionBox[];
  terms?: readonly string[];
  pii?: boolean;
  /** Suggest the vault's people (names, e-mails, employee ids). */
  people?: boolean;
  ocr?: boolean;
  dpi?: number;
  keepText?: boolean;
  /** At least one: HIPAA-PHI, GDPR-minimisation, third-party-PII, or the officer's own codes. */
  reasons: readonly string[];
  signal?: AbortSignal;
  onProgress?: (pagesDone: number, pages: number) => void;
}

/** The name of a redacted version: "sheet.pdf" → "sheet (redacted).pdf"; a TIFF becomes a PNG. */
export function redactedFileName(fileName: string, extension: string): string {
  const dot = fileName.lastIndexOf('.');
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName;
  return `${stem.slice(0, 200)} (redacted)${extension}`;
}

const MEDIA_TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg' };

export function validReasons(reasons: readonly string[]): string[] {
  const unique = [...new Set(reasons.map((r) => r.trim()))];
  if (unique.length === 0) throw new CustodianError('validation_failed', 'Give a reason code for the redaction (e.g. HIPAA-PHI); it goes into the audit log.');
  const bad = unique.find((r) => !REASON_CODE_PATTERN.test(r));
  if (bad !== undefined)
    throw new CustodianError('validation_failed', `"${bad.slice(0, 40)}" is not a reason code: letters, digits and dashes, starting with a letter.`);
  return unique;
}

const TOO_LARGE = 'This file is too large to redact in Custodian (over 256 MiB).';

/** The evidence to redact, refused (before anything is decrypted) when too large. */
export async function redactableMeta(session: VaultSession, evidenceId: string): Promise<EvidenceMeta> {
  const meta = await getEvidenceMeta(session, evidenceId);
  if (meta.size > MAX_REDACT_BYTES) throw new CustodianError('validation_failed', TOO_LARGE);
  return meta;
}

/** The original, decrypted into core's memory (logged with `reason`); the caller zeroes it after use. */
export async function decryptOriginal(session: VaultSession, meta: EvidenceMeta, reason: string): Promise<Buffer> {
  const sink = new CollectStream(meta.size, TOO_LARGE);
  await readEvidence(session, meta.id, sink, reason);
  return sink.take();
}

/**
 * Makes a redacted version of a piece of evidence: the original is decrypted into core's memory
 * (logged as `evidence.decrypt`, reason "redaction"), redacted and checked (redactDocument), and
 * sealed as a new evidence file that names its original (`redacted_from`), with how it was made,
 * in one transaction with its `evidence.redact` log entry. The original is not changed. Nothing
 * of the work touches the disk unencrypted. Cancelling before the new file is sealed adds nothing.
 */
export async function redactEvidence(session: VaultSession, input: RedactEvidenceInput): Promise<{ evidence: EvidenceMeta; report: RedactionReport }> {
  session.require('evidence.redact', 'redact evidence');
  const reasons = validReasons(input.reasons);
  const source = await redactableMeta(session, input.evidenceId);
  const people = input.people ? await knownPeople(session) : undefined;
  const bytes = await decryptOriginal(session, source, 'redaction');
  let ocr: OcrEngine | null = null;
  let output: RedactedOutput | null = null;
  try {
    if (input.ocr) ocr = await startOcr();
    const result = await redactDocument(bytes, {
      boxes: input.boxes,
      terms: input.terms,
      pii: input.pii ?? false,
      people,
      ocr,
      dpi: input.dpi,
      keepText: input.keepText ?? false,
      // In the vault's folder, on its disk (the OS temp folder may be memory); the unlock sweep
      // and the next spill remove one a crash left.
      spillDir: session.paths.dir,
      signal: input.signal,
      onProgress: input.onProgress,
    });
    output = result.output;
    input.signal?.throwIfAborted();
    const extension = REDACTED_EXTENSION[result.format];
    const applied: Record<string, number> = {};
    for (const page of result.report.pages) for (const s of page.suggestions) applied[s.kind] = (applied[s.kind] ?? 0) + s.boxes.length;
    const evidence = await addEvidence(session, {
      // Streamed from its encrypted spill: the output can be hundreds of megabytes.
      source: result.output.stream(),
      fileName: redactedFileName(source.fileName, extension),
      mediaType: MEDIA_TYPES[extension] ?? 'application/octet-stream',
      personId: source.personId,
      documentDate: source.documentDate,
      signal: input.signal,
      redaction: {
        sourceId: source.id,
        reasons,
        boxes: result.report.pages.flatMap((p) => p.boxes),
        pages: result.report.pages.length,
        dpi: result.report.pages[0]?.dpi ?? 0,
        applied,
        keptText: input.keepText ?? false,
      },
    });
    return { evidence, report: result.report };
  } finally {
    bytes.fill(0);
    await output?.dispose();
    await ocr?.stop();
  }
}
