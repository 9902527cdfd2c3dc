import type { CertificationField, CompletionField, CourseField, DataClass, PersonField } from './dataClasses';
import { DATA_CLASSES, VISIBLE_CLASSES } from './dataClasses';
import type { Role } from '../roles';

/**
 * What happens to a field on its way to someone: kept; masked (shown as •••••); replaced by the
 * person's stable per-vault pseudonym (an identity field; other fields of the class are masked);
 * generalised (a date of birth to its year, other dates to their month, a score to its band of
 * ten); or dropped (not shown or exported at all).
 */
export const TREATMENTS = ['keep', 'mask', 'pseudonymise', 'generalise', 'drop'] as const;
export type Treatment = (typeof TREATMENTS)[number];

/** Who a view or export is for. */
export const AUDIENCES = ['auditor', 'regulator', 'internal', 'subject'] as const;
export type Audience = (typeof AUDIENCES)[number];

export type RecordKind = 'person' | 'course' | 'completion' | 'certification';
export type FieldOf<K extends RecordKind> = K extends 'person'
  ? PersonField
  : K extends 'course'
    ? CourseField
    : K extends 'completion'
      ? CompletionField
      : CertificationField;

/** A treatment per data class, and per field where one field needs more care than its class. */
export interface MaskingPolicy {
  classes: Record<DataClass, Treatment>;
  fields?: { [K in RecordKind]?: Partial<Record<FieldOf<K>, Treatment>> };
}

/**
 * The default policy per audience. Auditors and regulators see compliance and certification
 * facts and scores, people by pseudonym, no health data; unit + job role + an exact hire date
 * can still single out a senior person, so hire and leaving dates are generalised to the month.
 * A data subject sees their own record, but not the names of others on it (the trainer).
 */
export const DEFAULT_POLICIES: Record<Audience, MaskingPolicy> = {
  internal: { classes: { pii: 'keep', phi: 'keep', assessment: 'keep', certification: 'keep', compliance: 'keep' } },
  auditor: {
    classes: { pii: 'pseudonymise', phi: 'drop', assessment: 'keep', certification: 'keep', compliance: 'keep' },
    // A certificate number is looked up in public registers, like a licence number: it names the holder.
    fields: { person: { hireDate: 'generalise', terminationDate: 'generalise' }, completion: { certificateNumber: 'mask' } },
  },
  regulator: {
    classes: { pii: 'pseudonymise', phi: 'drop', assessment: 'generalise', certification: 'keep', compliance: 'keep' },
    fields: { person: { hireDate: 'generalise', terminationDate: 'generalise' }, completion: { certificateNumber: 'mask', passed: 'keep' } },
  },
  subject: {
    classes: { pii: 'keep', phi: 'keep', assessment: 'keep', certification: 'keep', compliance: 'keep' },
    fields: { person: { managerEmployeeId: 'mask' }, completion: { trainer: 'mask' } },
  },
};

/**
 * The policy of a role's own screens: what VISIBLE_CLASSES lets it see is kept, the rest masked
 * (the pseudonym has its own column there). Auditors' screens also generalise hire and leaving
 * dates, as the auditor audience does.
 */
export function rolePolicy(role: Role): MaskingPolicy {
  const classes = Object.fromEntries(DATA_CLASSES.map((c) => [c, VISIBLE_CLASSES[role].includes(c) ? 'keep' : 'mask'])) as Record<DataClass, Treatment>;
  // The auditor audience's own rules for single fields (hire and leaving months) apply on auditors' screens too.
  return role === 'auditor' ? { classes, fields: { person: DEFAULT_POLICIES.auditor.fields?.person ?? {} } } : { classes };
}
