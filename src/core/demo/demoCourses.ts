import type { DemoRole, DemoUnit } from './demoOrganisation';

/** Who must take a course. */
export type Audience = 'everyone' | 'patientContact' | 'acls' | 'exposure' | 'chemicals' | 'radiation' | 'personalData';

export interface DemoCourse {
  code: string;
  title: string;
  courseVersion: string;
  provider: string;
  hours: number;
  /** Percent needed to pass; null for courses with no scored assessment (attendance, observation). */
  passMark: number | null;
  /** Questions in the assessment: scores are whole multiples of 100 / questions. */
  questions: number;
  /** Months between completions; 0 = once, at hire. */
  recurrenceMonths: number;
  audience: Audience;
  delivery: 'e-learning' | 'classroom' | 'instructor-led' | 'observed practice';
  /** A card that expires at the end of the month, recorded as a certification. */
  certification?: { name: string; issuer: string };
  /** Whether the LMS issues a numbered certificate of completion. */
  certificate: boolean;
  /** The framework clause that asks for it, for the certificate's small print. */
  basis: string;
}

export const DEMO_COURSES: readonly DemoCourse[] = [
  {
    code: 'ORIENT',
    title: 'New Employee Orientation',
    courseVersion: '2023.1',
    provider: 'Human Resources',
    hours: 8,
    passMark: null,
    questions: 0,
    recurrenceMonths: 0,
    audience: 'everyone',
    delivery: 'classroom',
    certificate: false,
    basis: 'Hospital policy HR-104',
  },
  {
    code: 'HIPAA-PS',
    title: 'HIPAA Privacy & Security',
    courseVersion: '2024.2',
    provider: 'Compliance Office',
    hours: 1,
    passMark: 80,
    questions: 20,
    recurrenceMonths: 12,
    audience: 'everyone',
    delivery: 'e-learning',
    certificate: true,
    basis: '45 CFR 164.308(a)(5), 164.530(b)',
  },
  {
    code: 'BBP',
    title: 'Bloodborne Pathogens (annual)',
    courseVersion: '2024.1',
    provider: 'Employee Health',
    hours: 1,
    passMark: 80,
    questions: 15,
    recurrenceMonths: 12,
    audience: 'exposure',
    delivery: 'e-learning',
    certificate: true,
    basis: 'OSHA 29 CFR 1910.1030(g)(2)',
  },
  {
    code: 'BLS',
    title: 'Basic Life Support (BLS) Provider',
    courseVersion: '2020 Guidelines',
    provider: 'Clinical Education',
    hours: 4.5,
    passMark: 84,
    questions: 25,
    recurrenceMonths: 24,
    audience: 'patientContact',
    delivery: 'instructor-led',
    certificate: true,
    basis: 'Medical staff bylaws 7.3',
    certification: { name: 'BLS Provider', issuer: 'Riverside Regional Training Center' },
  },
  {
    code: 'ACLS',
    title: 'Advanced Cardiovascular Life Support (ACLS) Provider',
    courseVersion: '2020 Guidelines',
    provider: 'Clinical Education',
    hours: 12,
    passMark: 84,
    questions: 50,
    recurrenceMonths: 24,
    audience: 'acls',
    delivery: 'instructor-led',
    certificate: true,
    basis: 'Medical staff bylaws 7.4',
    certification: { name: 'ACLS Provider', issuer: 'Riverside Regional Training Center' },
  },
  {
    code: 'FIRE',
    title: 'Fire Safety & Emergency Preparedness',
    courseVersion: '2024.1',
    provider: 'Facilities & Safety',
    hours: 1,
    passMark: null,
    questions: 0,
    recurrenceMonths: 12,
    audience: 'everyone',
    delivery: 'classroom',
    certificate: false,
    basis: 'NFPA 101; CMS 42 CFR 482.41',
  },
  {
    code: 'INFOSEC',
    title: 'Information Security Awareness',
    courseVersion: '2024.3',
    provider: 'Information Technology',
    hours: 0.75,
    passMark: 75,
    questions: 12,
    recurrenceMonths: 12,
    audience: 'everyone',
    delivery: 'e-learning',
    certificate: true,
    basis: 'SOC 2 CC2.2; 45 CFR 164.308(a)(5)',
  },
  {
    code: 'GDPR',
    title: 'GDPR Data Protection',
    courseVersion: '2023.2',
    provider: 'Corporate Compliance',
    hours: 1.5,
    passMark: 80,
    questions: 20,
    recurrenceMonths: 24,
    audience: 'personalData',
    delivery: 'e-learning',
    certificate: true,
    basis: 'GDPR Art. 39(1)(b)',
  },
  {
    code: 'HAND-HYG',
    title: 'Hand Hygiene',
    courseVersion: '2024.1',
    provider: 'Infection Prevention',
    hours: 0.5,
    passMark: null,
    questions: 0,
    recurrenceMonths: 12,
    audience: 'patientContact',
    delivery: 'observed practice',
    certificate: false,
    basis: 'WHO Five Moments; CDC guideline',
  },
  {
    code: 'WPV',
    title: 'Workplace Violence Prevention',
    courseVersion: '2024.1',
    provider: 'Security',
    hours: 1,
    passMark: 80,
    questions: 10,
    recurrenceMonths: 12,
    audience: 'patientContact',
    delivery: 'e-learning',
    certificate: true,
    basis: 'Joint Commission LD.03.01.01',
  },
  {
    code: 'HAZCOM',
    title: 'Hazard Communication (GHS)',
    courseVersion: '2022.1',
    provider: 'Environmental Health & Safety',
    hours: 1,
    passMark: 80,
    questions: 10,
    recurrenceMonths: 12,
    audience: 'chemicals',
    delivery: 'e-learning',
    certificate: true,
    basis: 'OSHA 29 CFR 1910.1200(h)',
  },
  {
    code: 'RAD-SAFE',
    title: 'Radiation Safety',
    courseVersion: '2024.1',
    provider: 'Radiation Safety Office',
    hours: 1,
    passMark: 80,
    questions: 20,
    recurrenceMonths: 12,
    audience: 'radiation',
    delivery: 'e-learning',
    certificate: true,
    basis: '10 CFR 19.12',
  },
];

/** Whether a holder of `role` in `unit` must take a course for `audience`. */
export function isInAudience(audience: Audience, unit: DemoUnit, role: DemoRole): boolean {
  switch (audience) {
    case 'everyone':
      return true;
    case 'patientContact':
      return role.patientContact === true;
    case 'acls':
      return role.acls === true;
    case 'exposure':
      return unit.exposure === true || role.patientContact === true;
    case 'chemicals':
      return unit.chemicals === true;
    case 'radiation':
      return unit.radiation === true;
    case 'personalData':
      return unit.personalData === true;
  }
}
