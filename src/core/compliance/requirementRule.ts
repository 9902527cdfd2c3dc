import { z } from 'zod';

// A requirement: which clause asks for training, of whom, satisfied by which courses, how
// often, with what grace, how long the records must be kept, and whether evidence is needed.
// The same shape is a pack's requirement (resources/frameworks/*.json) and a vault row's `rule`.

const name = z.string().trim().min(1).max(200);
const courseCode = z.string().trim().min(1).max(100);

export const requirementRuleSchema = z
  .object({
    /** Who it applies to, by the names the vault uses (case-insensitive). Empty lists: everyone. */
    appliesTo: z
      .object({
        units: z.array(name).max(500).default([]),
        roles: z.array(name).max(500).default([]),
        sites: z.array(name).max(500).default([]),
      })
      .strict()
      .default({ units: [], roles: [], sites: [] }),
    /** Days after hire (or after moving into scope) by which the first training is due. */
    newHireDays: z.number().int().min(0).max(3650).default(30),
    courses: z
      .object({
        codes: z.array(courseCode).min(1).max(50),
        /** `any`: one of the courses; `all`: every one of them, each current. */
        match: z.enum(['any', 'all']).default('any'),
        /** Completions of an older course version do not count (compared numerically by parts: 2024.2 > 2024.10 is false). */
        minVersion: z.string().trim().min(1).max(50).nullable().default(null),
        /** Percent needed to count as passed, on top of the course's own pass mark. */
        minScore: z.number().min(0).max(100).nullable().default(null),
      })
      .strict(),
    /** Months between trainings; null: once. */
    recurrenceMonths: z.number().int().min(1).max(120).nullable(),
    /** Days after the due date before a late training counts as expired rather than overdue. */
    graceDays: z.number().int().min(0).max(365).default(0),
    retention: z
      .object({
        years: z.number().int().min(0).max(100),
        /** `training`: from the training date; `lastInEffect`: from when the record stopped being in effect (HIPAA 164.316(b)(2)). */
        basis: z.enum(['training', 'lastInEffect']).default('training'),
      })
      .strict()
      .nullable()
      .default(null),
    /**
     * The first day the requirement is in force (YYYY-MM-DD): before it, it applies to no one
     * (`not_yet_effective`), and no one is due before it (the onboarding days run from it). For a
     * pack, the day it was enabled unless the officer states another. Null: in force always.
     */
    effectiveFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'an effective date is YYYY-MM-DD')
      .refine((day) => new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), 'an effective date must be a day of the calendar')
      .nullable()
      .default(null),
    evidence: z
      .object({
        required: z.boolean(),
        /** What the evidence must show, for the officer (e.g. "sign-in sheet with trainer and job title"). */
        description: z.string().trim().max(500).nullable().default(null),
      })
      .strict()
      .default({ required: false, description: null }),
  })
  .strict();

export type RequirementRule = z.infer<typeof requirementRuleSchema>;
export type RequirementRuleInput = z.input<typeof requirementRuleSchema>;

export const requirementIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,79}$/, 'a requirement id is lower-case letters, digits, dots and dashes (at most 80)');

export const packRequirementSchema = z
  .object({
    id: requirementIdSchema,
    title: z.string().trim().min(1).max(200),
    /** The clause, as the regulation writes it, e.g. "45 CFR 164.308(a)(5)(i)". */
    clause: z.string().trim().min(1).max(200),
    /** What the clause asks, in a sentence, for the officer. */
    summary: z.string().trim().min(1).max(1000),
    rule: requirementRuleSchema,
  })
  .strict();

export const frameworkPackSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{2,40}$/),
    title: z.string().trim().min(1).max(200),
    /** Pack version (date-like, e.g. 2026.1): a newer pack adds requirement versions. */
    version: z.string().regex(/^\d{4}\.\d+$/),
    /** The regulation or standard, e.g. "45 CFR Part 164 (HIPAA Security and Privacy Rules)". */
    source: z.string().trim().min(1).max(300),
    requirements: z.array(packRequirementSchema).min(1).max(200),
  })
  .strict();

export type FrameworkPack = z.infer<typeof frameworkPackSchema>;
export type PackRequirement = z.infer<typeof packRequirementSchema>;
