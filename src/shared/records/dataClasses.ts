/**
 * Every field of a training record carries one data class, declared here once. Views and
 * exports mask by class (an auditor sees no `pii` or `phi`; a packet includes `compliance` and
 * `certification`, and `assessment` only where the framework asks for competence).
 */
export const DATA_CLASSES = ['pii', 'phi', 'assessment', 'certification', 'compliance'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export const PERSON_FIELDS = {
  employeeId: 'pii',
  givenName: 'pii',
  familyName: 'pii',
  email: 'pii',
  dateOfBirth: 'phi',
  site: 'compliance',
  orgUnit: 'compliance',
  jobRole: 'compliance',
  managerEmployeeId: 'pii',
  hireDate: 'compliance',
  terminationDate: 'compliance',
} as const satisfies Record<string, DataClass>;

export const COURSE_FIELDS = {
  code: 'compliance',
  title: 'compliance',
  version: 'compliance',
  provider: 'compliance',
  hours: 'compliance',
  passMark: 'assessment',
} as const satisfies Record<string, DataClass>;

export const COMPLETION_FIELDS = {
  completedOn: 'compliance',
  score: 'assessment',
  passed: 'assessment',
  expiresOn: 'certification',
  trainer: 'pii',
  deliveryMethod: 'compliance',
  certificateNumber: 'certification',
} as const satisfies Record<string, DataClass>;

export const CERTIFICATION_FIELDS = {
  name: 'certification',
  // A licence number is looked up in public registers: it identifies the person, so it is PII.
  number: 'pii',
  issuedOn: 'certification',
  expiresOn: 'certification',
  issuer: 'certification',
} as const satisfies Record<string, DataClass>;

export type PersonField = keyof typeof PERSON_FIELDS;
export type CourseField = keyof typeof COURSE_FIELDS;
export type CompletionField = keyof typeof COMPLETION_FIELDS;
export type CertificationField = keyof typeof CERTIFICATION_FIELDS;

/** The classes a role may see unmasked. Enforced in core; the UI only mirrors it. */
export const VISIBLE_CLASSES: Record<'admin' | 'officer' | 'reviewer' | 'auditor', readonly DataClass[]> = {
  admin: DATA_CLASSES,
  officer: DATA_CLASSES,
  reviewer: ['pii', 'assessment', 'certification', 'compliance'],
  auditor: ['assessment', 'certification', 'compliance'],
};
