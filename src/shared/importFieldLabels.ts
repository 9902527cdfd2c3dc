/**
 * What each import field is called on screen ("Employee ID", not `employeeId`). The keys are the
 * fields core maps columns to (src/core/import/headerMap.ts, which the test keeps in step); the
 * CLI's `--map header=field` still takes the key.
 */
export const IMPORT_FIELD_LABELS: Record<string, string> = {
  employeeId: 'Employee ID',
  email: 'E-mail',
  givenName: 'First name',
  familyName: 'Last name',
  fullName: 'Full name',
  dateOfBirth: 'Date of birth',
  site: 'Site',
  orgUnit: 'Unit / department',
  jobRole: 'Job role',
  managerEmployeeId: 'Manager’s employee ID',
  hireDate: 'Hire date',
  terminationDate: 'Termination date',
  courseCode: 'Course code',
  courseTitle: 'Course title',
  courseVersion: 'Course version',
  provider: 'Provider',
  hours: 'Hours',
  completedOn: 'Completion date',
  score: 'Score',
  passed: 'Passed',
  expiresOn: 'Expiry date',
  trainer: 'Trainer',
  deliveryMethod: 'Delivery method',
  certificateNumber: 'Certificate number',
  certificationName: 'Certification name',
  certificationNumber: 'Certification number',
  issuedOn: 'Issue date',
  issuer: 'Issuer',
};
