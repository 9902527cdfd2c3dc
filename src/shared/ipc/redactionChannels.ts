import { z } from 'zod';
import { REASON_CODE_PATTERN } from '../redaction/redactionTypes';

// Redaction in the viewer: suggestions to accept or reject, then the boxes burned into a new
// redacted version. Both are jobs: started, polled for progress (pages), cancellable.

const id = z.string().min(1).max(64);
const jobId = z.object({ jobId: z.string().min(1).max(64) }).strict();
const coordinate = z.number().min(-100_000).max(100_000);
const box = z
  .object({
    page: z.number().int().min(1).max(100_000),
    x: coordinate,
    y: coordinate,
    width: z.number().positive().max(100_000),
    height: z.number().positive().max(100_000),
  })
  .strict();
const kind = z.enum(['ssn', 'email', 'phone', 'dob', 'mrn', 'address', 'person', 'term']);
const jobState = z.enum(['running', 'done', 'failed', 'cancelled']);
const jobError = z.object({ code: z.string(), message: z.string() }).nullable();
/** A job's status: its state, pages done of the total, and its result once done. */
const pagesJob = <R extends z.ZodType>(result: R) =>
  z.object({ state: jobState, pages: z.number().int(), total: z.number().int(), result: result.nullable(), error: jobError });

export const redactionChannels = {
  'custodian:redaction.suggest': {
    input: z
      .object({
        evidenceId: id,
        pii: z.boolean().default(true),
        people: z.boolean().default(true),
        ocr: z.boolean().default(false),
        terms: z.array(z.string().min(1).max(200)).max(50).default([]),
      })
      .strict(),
    output: z.object({ jobId: z.string() }),
  },
  /** Page sizes are as displayed: points for a PDF (boxes from the bottom-left), pixels for an image (from the top-left). */
  'custodian:redaction.suggestStatus': {
    input: jobId,
    output: pagesJob(
      z.object({
        kind: z.enum(['pdf', 'image']),
        pages: z.array(
          z.object({
            page: z.number().int(),
            width: z.number(),
            height: z.number(),
            text: z.enum(['text', 'ocr', 'none']),
            suggestions: z.array(z.object({ kind, text: z.string(), why: z.string(), source: z.enum(['text', 'ocr']), boxes: z.array(box) })),
          }),
        ),
      }),
    ),
  },
  'custodian:redaction.suggestCancel': { input: jobId, output: z.object({}) },
  'custodian:redaction.start': {
    input: z
      .object({
        evidenceId: id,
        boxes: z.array(box).max(10_000),
        dpi: z.number().int().min(50).max(600).default(200),
        keepText: z.boolean().default(false),
        reasons: z.array(z.string().regex(REASON_CODE_PATTERN)).min(1).max(10),
      })
      .strict(),
    output: z.object({ jobId: z.string() }),
  },
  'custodian:redaction.status': {
    input: jobId,
    output: pagesJob(z.object({ evidenceId: z.string(), fileName: z.string(), pages: z.number().int(), boxes: z.number().int(), notes: z.array(z.string()) })),
  },
  'custodian:redaction.cancel': { input: jobId, output: z.object({}) },
} as const;
