import { z } from 'zod';
import { AUDIENCES } from '../records/maskingPolicy';

// What a packet covers: shared by core (which validates it once more) and the renderer's
// packet builder. Dates are calendar dates; statuses are as of the period's end.

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'a date that exists');
const name = z.string().trim().min(1).max(200);

export const sampleRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('fixed'), size: z.number().int().min(1).max(1_000_000) }).strict(),
  z
    .object({
      kind: z.literal('attribute'),
      confidence: z.number().gt(0).lt(1),
      tolerableRate: z.number().gt(0).lt(1),
    })
    .strict(),
]);

/** One request of an auditor's request list ("PBC" list), as imported. */
export const auditRequestSchema = z
  .object({
    requestId: z.string().trim().min(1).max(100),
    requestCode: z.string().max(100).nullable(),
    controlCodes: z.array(z.string().trim().min(1).max(100)).max(100),
    details: z.string().max(10_000),
    assignedTo: z.string().max(200).nullable(),
    dueOn: calendarDate.nullable(),
  })
  .strict();
export type AuditRequest = z.infer<typeof auditRequestSchema>;

export const packetScopeSchema = z
  .object({
    frameworks: z.array(z.string().min(1).max(64)).min(1).max(50),
    from: calendarDate,
    to: calendarDate,
    units: z.array(name).max(500).default([]),
    roles: z.array(name).max(500).default([]),
    sites: z.array(name).max(500).default([]),
    audience: z.enum(AUDIENCES).default('auditor'),
    sample: sampleRuleSchema.default({ kind: 'attribute', confidence: 0.95, tolerableRate: 0.1 }),
    /** Null: derived from the checkpoint and the scope (sample.json records it either way). */
    seed: z.string().trim().min(1).max(200).nullable().default(null),
    organisation: z.string().trim().min(1).max(200),
    /** Use the newest imported request list. */
    useRequests: z.boolean().default(false),
    /**
     * For audiences that do not keep personal data: include evidence that has no redacted
     * version as it is (default: withheld, and listed as withheld).
     */
    includeUnredacted: z.boolean().default(false),
  })
  .strict()
  .refine((s) => s.from <= s.to, { error: 'the period must end on or after its start', path: ['to'] });
export type PacketScope = z.infer<typeof packetScopeSchema>;
export type PacketScopeInput = z.input<typeof packetScopeSchema>;
