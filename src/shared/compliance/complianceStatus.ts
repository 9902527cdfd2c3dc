/**
 * The status of one (person, requirement) as of a date. Shared by core (which computes it) and
 * the renderer (which shows it): the order here is the order of the dashboard's legends.
 */
export const COMPLIANCE_STATUSES = [
  'compliant',
  'due_soon',
  'overdue',
  'expired',
  'never_trained',
  'failed',
  'missing_evidence',
  'evidence_rejected',
  'not_applicable',
] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

/** Why a requirement does not apply to a person on the date. */
export const NOT_APPLICABLE_REASONS = ['left_before', 'hired_after', 'not_in_scope', 'onboarding_grace', 'not_yet_effective'] as const;
export type NotApplicableReason = (typeof NOT_APPLICABLE_REASONS)[number];

export const STATUS_LABELS: Record<ComplianceStatus, string> = {
  compliant: 'Compliant',
  due_soon: 'Due soon',
  overdue: 'Overdue (in grace)',
  expired: 'Expired',
  never_trained: 'Never trained',
  failed: 'Failed',
  missing_evidence: 'Missing evidence',
  evidence_rejected: 'Evidence rejected',
  not_applicable: 'Not applicable',
};

export const NOT_APPLICABLE_LABELS: Record<NotApplicableReason, string> = {
  left_before: 'left before the date',
  hired_after: 'hired after the date',
  not_in_scope: 'not in scope (unit, role or site)',
  onboarding_grace: 'within onboarding grace',
  not_yet_effective: 'before the requirement took effect',
};

/** Statuses in which the training itself is current on the date (evidence aside). */
export const CURRENT_STATUSES: ReadonlySet<ComplianceStatus> = new Set(['compliant', 'due_soon', 'missing_evidence', 'evidence_rejected']);

/** The named parts of the Audit Readiness Score, with their weights (they sum to 100). */
export const SCORE_COMPONENTS = [
  { id: 'coverage', label: 'Coverage', weight: 25, explains: 'people in scope who have ever passed the required training' },
  { id: 'currency', label: 'Currency', weight: 25, explains: 'people in scope whose training is current on the date' },
  { id: 'competence', label: 'Competence', weight: 15, explains: 'latest attempts that met the pass mark' },
  { id: 'evidence', label: 'Evidence completeness', weight: 15, explains: 'current trainings with the evidence their requirement asks for' },
  { id: 'review', label: 'Review state', weight: 10, explains: 'that evidence reviewed and accepted' },
  { id: 'integrity', label: 'Audit-log integrity', weight: 10, explains: 'the audit log verifies against its signed checkpoints' },
] as const;
export type ScoreComponentId = (typeof SCORE_COMPONENTS)[number]['id'];

/** One person's standing on a date, worst first (core/compliance/personCompliance.ts). */
export const PERSON_COMPLIANCE = ['not_current', 'evidence_gap', 'due_soon', 'compliant', 'none'] as const;
export type PersonCompliance = (typeof PERSON_COMPLIANCE)[number];
export const PERSON_COMPLIANCE_LABELS: Record<PersonCompliance, string> = {
  not_current: 'Not current',
  evidence_gap: 'Evidence missing',
  due_soon: 'Due soon',
  compliant: 'Compliant',
  none: 'No requirements',
};

/** What each gap on the dashboard is called: a status that costs points, or evidence awaiting review, or the log. */
export const GAP_LABELS = {
  overdue: STATUS_LABELS.overdue,
  expired: STATUS_LABELS.expired,
  never_trained: STATUS_LABELS.never_trained,
  failed: STATUS_LABELS.failed,
  missing_evidence: STATUS_LABELS.missing_evidence,
  evidence_rejected: STATUS_LABELS.evidence_rejected,
  evidence_unreviewed: 'Unreviewed evidence',
  log_integrity: 'Audit log does not verify',
} as const;
