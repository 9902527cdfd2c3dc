import { z } from 'zod';

// The evidence workspace's channels (list, detail, viewer, signed reviews), spread into the one
// contract (contract.ts).

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const id = z.string().min(1).max(64);
const state = z.enum(['pending', 'accepted', 'rejected', 'superseded']);
const linkKind = z.enum(['person', 'completion', 'certification', 'requirement']);
const review = z.object({
  state: z.enum(['accepted', 'rejected']),
  meaning: z.string().nullable(),
  printedName: z.string().nullable(),
  userName: z.string(),
  at: z.string(),
  reason: z.string().nullable(),
  signed: z.boolean(),
});
const listRow = z.object({
  evidenceId: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  documentDate: z.string(),
  addedAt: z.string(),
  addedBy: z.string(),
  state,
  /** Name and employee id masked by role; the pseudonym is shown to every role. */
  person: z
    .object({ personId: z.string(), name: z.string(), employeeId: z.string().nullable(), pseudonym: z.string(), unit: z.string().nullable() })
    .nullable(),
  links: z.array(z.object({ kind: linkKind, id: z.string(), label: z.string() })),
  review: review.nullable(),
  points: z.number().nullable(),
  /** A digest of what is shown of the file: sent back with a signature, which is refused if the file changed since. */
  stamp: z.string(),
});

export const evidenceChannels = {
  'custodian:evidence.list': {
    input: z
      .object({
        search: z.string().max(200).optional(),
        state: state.optional(),
        personId: id.optional(),
        completionId: id.optional(),
        unit: z.string().max(200).optional(),
        requirementId: z.string().max(100).optional(),
        from: day.optional(),
        to: day.optional(),
        /** `points`: the review queue (pending files by the score points accepting them wins, as of `asOf` or today). */
        sort: z.enum(['documentDate', 'addedAt', 'fileName', 'size', 'points']).default('documentDate'),
        dir: z.enum(['asc', 'desc']).default('desc'),
        asOf: day.optional(),
        offset: z.number().int().min(0).max(10_000_000),
        limit: z.number().int().min(1).max(500),
      })
      .strict(),
    output: z.object({ total: z.number().int(), masked: z.boolean(), rows: z.array(listRow) }),
  },
  /** One file with every review (newest first), each signature checked now. */
  'custodian:evidence.detail': {
    input: z.object({ evidenceId: id }).strict(),
    output: z.object({
      item: listRow,
      /** Whether this user may open the original (auditors may not). */
      canView: z.boolean(),
      canReview: z.boolean(),
      /** Whether the vault's policy bars this user from signing a review of this file (their own upload). */
      selfReviewBarred: z.boolean(),
      replacedBy: z.string().nullable(),
      replaces: z.string().nullable(),
      /** Whether this user may make redacted versions (officers and administrators). */
      canRedact: z.boolean(),
      /** Redacted versions made from this file, newest first (open them with viewOpen). */
      redactions: z.array(
        z.object({
          evidenceId: z.string(),
          fileName: z.string(),
          mediaType: z.string(),
          size: z.number().int(),
          addedAt: z.string(),
          addedBy: z.string(),
          reasons: z.array(z.string()),
          pages: z.number().int(),
          boxes: z.number().int(),
          applied: z.record(z.string(), z.number()),
        }),
      ),
      /** `counts`: whether the review may set the state (see ReviewVerifier); one that does not is shown, not believed. */
      reviews: z.array(review.extend({ signature: z.object({ valid: z.boolean(), counts: z.boolean(), problem: z.string().nullable() }) })),
    }),
  },
  /** Decrypts a file into core's memory for the viewer (logged); read it with viewRead, then viewClose. */
  'custodian:evidence.viewOpen': {
    /**
     * `as: 'displayed'`: an image (PNG, JPEG, single-page TIFF) as redaction decodes it, its
     * orientation applied, as PNG: what the redaction workspace draws boxes on.
     */
    input: z.object({ evidenceId: id, as: z.literal('displayed').optional() }).strict(),
    output: z.object({ viewId: z.string(), size: z.number().int(), mediaType: z.string(), fileName: z.string() }),
  },
  'custodian:evidence.viewRead': {
    input: z
      .object({
        viewId: id,
        offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        length: z
          .number()
          .int()
          .min(1)
          .max(1024 * 1024),
      })
      .strict(),
    /** Base64: the one transport both Electron IPC and the harness bridge carry. */
    output: z.object({ data: z.string() }),
  },
  'custodian:evidence.viewClose': { input: z.object({ viewId: id }).strict(), output: z.object({}) },
  /**
   * Signs reviews (21 CFR 11.200): the passphrase every time, and the user name on the first
   * signing of a session. All or none: one refused item signs nothing.
   */
  'custodian:evidence.review': {
    input: z
      .object({
        items: z
          .array(
            z
              .object({
                evidenceId: id,
                decision: z.enum(['accept', 'reject']),
                meaning: z.enum(['reviewed', 'approved']).optional(),
                reason: z.string().max(500).optional(),
                /** The `stamp` of the file as shown (list or detail): a file changed since is not signed. */
                stamp: z.string().min(1).max(64),
              })
              .strict(),
          )
          .min(1)
          .max(500),
        userName: z.string().min(1).max(100).optional(),
        passphrase: z.string().min(1).max(1024),
      })
      .strict(),
    output: z.object({
      signed: z.array(
        z.object({ evidenceId: z.string(), state: z.enum(['accepted', 'rejected']), meaning: z.string(), printedName: z.string(), signedAt: z.string() }),
      ),
    }),
  },
  /** Whether this session has signed yet (the first signing also asks for the user name). */
  'custodian:evidence.signingState': { input: z.object({}).strict(), output: z.object({ userName: z.string(), needsUserName: z.boolean() }) },
} as const;
