import { z } from 'zod';
import { COMPLIANCE_STATUSES, NOT_APPLICABLE_REASONS, SCORE_COMPONENTS } from '../compliance/complianceStatus';

// The compliance engine's channels, spread into the one contract (contract.ts).

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const status = z.enum(COMPLIANCE_STATUSES);
const gapKind = z.enum(['overdue', 'expired', 'never_trained', 'failed', 'missing_evidence', 'evidence_rejected', 'evidence_unreviewed', 'log_integrity']);
const componentId = z.enum(SCORE_COMPONENTS.map((c) => c.id) as [(typeof SCORE_COMPONENTS)[number]['id'], ...(typeof SCORE_COMPONENTS)[number]['id'][]]);

const readiness = z.object({
  /** Null when nothing could be measured (nobody in scope of any enabled requirement): no score. */
  score: z.number().nullable(),
  components: z.array(
    z.object({
      id: componentId,
      label: z.string(),
      weight: z.number(),
      /** Null: not measured (nothing to measure), earning no points. */
      value: z.number().nullable(),
      contribution: z.number(),
      met: z.number().int(),
      measured: z.number().int(),
    }),
  ),
  gaps: z.array(
    z.object({ requirementId: z.string().nullable(), frameworkId: z.string().nullable(), kind: gapKind, people: z.number().int(), points: z.number() }),
  ),
  /** (person, requirement) pairs within onboarding grace: not yet counted in any part. */
  inGrace: z.number().int(),
});

const requirementSummary = z.object({
  requirementId: z.string(),
  frameworkId: z.string(),
  title: z.string(),
  clause: z.string().nullable(),
  counts: z.partialRecord(status, z.number().int()),
});

export const complianceChannels = {
  /** The dashboard: score per framework and overall, heat map, upcoming expiries. `asOf` defaults to today. */
  'custodian:compliance.report': {
    input: z.object({ asOf: day.optional(), frameworkId: z.string().max(80).optional() }).strict(),
    output: z.object({
      asOf: day,
      overall: readiness,
      frameworks: z.array(z.object({ id: z.string(), title: z.string(), readiness, requirements: z.array(requirementSummary) })),
      /** Which check ran: the quick head check or a full verification; from a kept genesis fingerprint or internally only. */
      integrity: z.object({ ok: z.boolean(), reason: z.string().nullable(), full: z.boolean(), anchored: z.boolean() }),
      heatmap: z.object({
        units: z.array(z.string()),
        requirements: z.array(z.string()),
        cells: z.array(z.object({ unit: z.string(), requirementId: z.string(), applicable: z.number().int(), current: z.number().int() })),
      }),
      expiries: z.object({
        within30: z.number().int(),
        within60: z.number().int(),
        within90: z.number().int(),
        /** `person`: the name as the people list shows it (masked for roles that may not see PII). */
        soonest: z.array(z.object({ personId: z.string(), person: z.string(), requirementId: z.string(), dueOn: day })),
      }),
      certificationExpiries: z.object({
        within30: z.number().int(),
        within60: z.number().int(),
        within90: z.number().int(),
        soonest: z.array(z.object({ personId: z.string(), person: z.string(), name: z.string(), expiresOn: day })),
      }),
      people: z.number().int(),
    }),
  },
  /** The score at each of the last 12 month-ends and on the date, computed point in time. */
  'custodian:compliance.trend': {
    input: z.object({ asOf: day.optional() }).strict(),
    output: z.object({ points: z.array(z.object({ asOf: day, overall: z.number().nullable(), frameworks: z.record(z.string(), z.number().nullable()) })) }),
  },
  /** The people behind one gap, names masked by role. */
  'custodian:compliance.gap': {
    /** `not_current` with a `unit`: a heat-map cell's people (in scope, not current). */
    input: z
      .object({
        asOf: day,
        requirementId: z.string().min(1).max(80),
        kind: z.union([gapKind, z.literal('not_current')]),
        unit: z.string().min(1).max(200).optional(),
      })
      .strict(),
    output: z.object({
      total: z.number().int(),
      people: z.array(
        z.object({
          personId: z.string(),
          name: z.string(),
          employeeId: z.string().nullable(),
          unit: z.string().nullable(),
          status,
          reason: z.enum(NOT_APPLICABLE_REASONS).nullable(),
          /** A day, or a month (YYYY-MM) where the viewer's role sees hire dates as months (dueOnAsShown). */
          dueOn: z
            .string()
            .regex(/^\d{4}-\d{2}(-\d{2})?$/)
            .nullable(),
          completionId: z.string().nullable(),
        }),
      ),
    }),
  },
  /** Bundled packs, and whether each is counted in this vault. */
  'custodian:compliance.frameworks': {
    input: z.object({}).strict(),
    output: z.object({
      frameworks: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          version: z.string(),
          source: z.string(),
          requirements: z.number().int(),
          enabled: z.boolean(),
          /** While disabled: when, by whom and why (from the log). */
          disabled: z.object({ at: z.string(), by: z.string(), reason: z.string().nullable() }).nullable(),
        }),
      ),
      /** Requirements withdrawn one by one (`requirement withdraw`), with when, by whom and why. */
      withdrawn: z.array(
        z.object({ requirementId: z.string(), frameworkId: z.string(), title: z.string(), at: z.string(), by: z.string(), reason: z.string().nullable() }),
      ),
    }),
  },
  'custodian:compliance.enableFramework': {
    /** Disabling needs a `reason` (one line, 10+ characters), kept in the log and shown while disabled. */
    /** Enabling may state `effectiveFrom`, the day its requirements are in force from (default: today). */
    input: z
      .object({ id: z.string().regex(/^[a-z0-9-]{2,40}$/), enabled: z.boolean(), reason: z.string().max(1000).optional(), effectiveFrom: day.optional() })
      .strict(),
    output: z.object({}),
  },
} as const;
