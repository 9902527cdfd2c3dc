import { CERTIFICATION_FIELDS, COMPLETION_FIELDS, COURSE_FIELDS, PERSON_FIELDS } from '../../shared/records/dataClasses';
import type { DataClass } from '../../shared/records/dataClasses';
import type { FieldOf, MaskingPolicy, RecordKind, Treatment } from '../../shared/records/maskingPolicy';
import { MASK } from './masking';
import { pseudonym } from './pseudonym';

const CLASSES: { [K in RecordKind]: Record<FieldOf<K>, DataClass> } = {
  person: PERSON_FIELDS,
  course: COURSE_FIELDS,
  completion: COMPLETION_FIELDS,
  certification: CERTIFICATION_FIELDS,
};

/** The field that stands for a person where a policy pseudonymises: it shows the pseudonym. */
const IDENTITY_FIELDS: ReadonlySet<string> = new Set(['person.employeeId']);

/** A dropped field: not shown, not exported (the caller leaves it out). */
export const DROPPED = Symbol('dropped');

/** The person a record belongs to, for pseudonyms. */
export interface ProjectionContext {
  vaultId: string;
  personId: string | null;
}

export function treatmentOf<K extends RecordKind>(policy: MaskingPolicy, kind: K, field: FieldOf<K>): Treatment {
  const own = policy.fields?.[kind]?.[field];
  return own ?? policy.classes[CLASSES[kind][field]];
}

/** A date of birth to its year; other dates (YYYY-MM-DD) to their month; a score to its band of ten. */
function generalise(kind: RecordKind, field: string, value: string | number): string {
  if (typeof value === 'number') {
    // Scores run 0–100: the top band takes 100 in.
    const band = Math.min(90, Math.floor(value / 10) * 10);
    return `${String(band)}–${String(band === 90 ? 100 : band + 9)}`;
  }
  const date = /^(\d{4})-(\d{2})-\d{2}/.exec(value);
  if (date) return kind === 'person' && field === 'dateOfBirth' ? (date[1] ?? MASK) : `${date[1] ?? ''}-${date[2] ?? ''}`;
  return MASK;
}

/**
 * The one projection of a record's field for a view or an export: the field's class (from
 * shared/records/dataClasses.ts) or the policy's own rule for the field decides the treatment.
 * Null stays null (an empty field reveals nothing); DROPPED asks the caller to leave it out.
 */
export function projectField<K extends RecordKind>(
  policy: MaskingPolicy,
  kind: K,
  field: FieldOf<K>,
  value: string | number | null,
  context?: ProjectionContext,
): string | number | null | typeof DROPPED {
  const treatment = treatmentOf(policy, kind, field);
  if (treatment === 'drop') return DROPPED;
  if (value === null) return null;
  switch (treatment) {
    case 'keep':
      return value;
    case 'mask':
      return MASK;
    case 'generalise':
      return generalise(kind, field, value);
    case 'pseudonymise':
      return IDENTITY_FIELDS.has(`${kind}.${field}`) && context?.personId ? pseudonym(context.vaultId, context.personId) : MASK;
  }
}

/** projectField for a screen, where a dropped field shows as masked (the column stays). */
export function shownField<K extends RecordKind, T extends string | number>(
  policy: MaskingPolicy,
  kind: K,
  field: FieldOf<K>,
  value: T | null,
  context?: ProjectionContext,
): T | string | null {
  const projected = projectField(policy, kind, field, value, context);
  return projected === DROPPED ? MASK : (projected as T | string | null);
}
