/**
 * The demo organisation: a fictional US regional hospital with clinical, diagnostic,
 * laboratory, pharmacy, IT, administrative and support units, and a small corporate office.
 * Data, not code: the roster generator reads it.
 */

export type UnitKind = 'clinical' | 'diagnostic' | 'laboratory' | 'pharmacy' | 'it' | 'administrative' | 'support' | 'corporate';

/** What a role's holder does, as far as training requirements care. */
export interface RoleTraits {
  /** Hands-on patient care: BLS, hand hygiene, workplace violence prevention. */
  patientContact?: boolean;
  /** Advanced resuscitation: ACLS. */
  acls?: boolean;
}

export interface DemoRole extends RoleTraits {
  title: string;
  /** Share of the unit's staff (heads and managers are chosen by seniority, not by weight). */
  weight: number;
}

export interface DemoUnit {
  name: string;
  kind: UnitKind;
  /** Share of the whole workforce. */
  weight: number;
  sites: readonly string[];
  head: DemoRole;
  manager: DemoRole;
  staff: readonly DemoRole[];
  /** Exposure to blood or body fluids: bloodborne pathogens training. */
  exposure?: boolean;
  /** Works with hazardous chemicals: hazard communication training. */
  chemicals?: boolean;
  /** Works with ionising radiation. */
  radiation?: boolean;
  /** Handles personal data of EU residents (the corporate office serves international patients). */
  personalData?: boolean;
  /** The executive the unit's head reports to. */
  reportsTo: string;
}

export const HOSPITAL_NAME = 'Riverside Regional Medical Center';
export const CORPORATE_NAME = 'Riverside Health Partners';
/** A reserved domain (RFC 2606): demo addresses can never reach anyone. */
export const EMAIL_DOMAIN = 'riverside-regional.example';

export const SITES = {
  main: 'Main Campus',
  north: 'North Campus',
  outpatient: 'Riverside Outpatient Center',
  corporate: 'Harbor Plaza Corporate Office',
} as const;

const { main, north, outpatient, corporate } = SITES;

/** Executive titles in the order the corporate office's most senior people fill them. */
export const EXECUTIVES: readonly DemoRole[] = [
  { title: 'Chief Executive Officer', weight: 0 },
  { title: 'Chief Nursing Officer', weight: 0, patientContact: true },
  { title: 'Chief Medical Officer', weight: 0, patientContact: true },
  { title: 'Chief Financial Officer', weight: 0 },
  { title: 'Chief Operating Officer', weight: 0 },
  { title: 'Chief Information Officer', weight: 0 },
  { title: 'Chief Human Resources Officer', weight: 0 },
  { title: 'Chief Compliance Officer', weight: 0 },
];

export const DEMO_UNITS: readonly DemoUnit[] = [
  {
    name: 'Emergency Department',
    kind: 'clinical',
    weight: 0.1,
    sites: [main],
    exposure: true,
    reportsTo: 'Chief Nursing Officer',
    head: { title: 'Emergency Department Director', weight: 0, patientContact: true, acls: true },
    manager: { title: 'Charge Nurse', weight: 0, patientContact: true, acls: true },
    staff: [
      { title: 'Registered Nurse', weight: 50, patientContact: true, acls: true },
      { title: 'Emergency Physician', weight: 12, patientContact: true, acls: true },
      { title: 'Physician Assistant', weight: 5, patientContact: true, acls: true },
      { title: 'Paramedic', weight: 6, patientContact: true, acls: true },
      { title: 'Patient Care Technician', weight: 15, patientContact: true },
      { title: 'Unit Secretary', weight: 5 },
    ],
  },
  {
    name: 'Intensive Care Unit',
    kind: 'clinical',
    weight: 0.07,
    sites: [main],
    exposure: true,
    reportsTo: 'Chief Nursing Officer',
    head: { title: 'Director of Critical Care', weight: 0, patientContact: true, acls: true },
    manager: { title: 'Charge Nurse', weight: 0, patientContact: true, acls: true },
    staff: [
      { title: 'Registered Nurse', weight: 62, patientContact: true, acls: true },
      { title: 'Intensivist', weight: 8, patientContact: true, acls: true },
      { title: 'Respiratory Therapist', weight: 12, patientContact: true, acls: true },
      { title: 'Patient Care Technician', weight: 10, patientContact: true },
    ],
  },
  {
    name: 'Surgery',
    kind: 'clinical',
    weight: 0.1,
    sites: [main, outpatient],
    exposure: true,
    chemicals: true,
    reportsTo: 'Chief Nursing Officer',
    head: { title: 'Director of Perioperative Services', weight: 0, patientContact: true, acls: true },
    manager: { title: 'Charge Nurse', weight: 0, patientContact: true, acls: true },
    staff: [
      { title: 'Registered Nurse', weight: 35, patientContact: true, acls: true },
      { title: 'Surgeon', weight: 12, patientContact: true, acls: true },
      { title: 'Anesthesiologist', weight: 7, patientContact: true, acls: true },
      { title: 'Nurse Anesthetist', weight: 8, patientContact: true, acls: true },
      { title: 'Surgical Technologist', weight: 20, patientContact: true },
      { title: 'Sterile Processing Technician', weight: 8 },
    ],
  },
  {
    name: 'Medical Ward',
    kind: 'clinical',
    weight: 0.15,
    sites: [main, north],
    exposure: true,
    reportsTo: 'Chief Nursing Officer',
    head: { title: 'Director of Medical Nursing', weight: 0, patientContact: true },
    manager: { title: 'Nurse Manager', weight: 0, patientContact: true },
    staff: [
      { title: 'Registered Nurse', weight: 45, patientContact: true },
      { title: 'Hospitalist', weight: 8, patientContact: true, acls: true },
      { title: 'Licensed Practical Nurse', weight: 12, patientContact: true },
      { title: 'Certified Nursing Assistant', weight: 25, patientContact: true },
      { title: 'Physical Therapist', weight: 5, patientContact: true },
      { title: 'Unit Secretary', weight: 5 },
    ],
  },
  {
    name: "Women's & Children's Services",
    kind: 'clinical',
    weight: 0.06,
    sites: [north],
    exposure: true,
    reportsTo: 'Chief Nursing Officer',
    head: { title: "Director of Women's & Children's Services", weight: 0, patientContact: true },
    manager: { title: 'Nurse Manager', weight: 0, patientContact: true },
    staff: [
      { title: 'Registered Nurse', weight: 55, patientContact: true },
      { title: 'Obstetrician', weight: 10, patientContact: true, acls: true },
      { title: 'Pediatrician', weight: 8, patientContact: true },
      { title: 'Certified Nurse Midwife', weight: 10, patientContact: true },
      { title: 'Certified Nursing Assistant', weight: 17, patientContact: true },
    ],
  },
  {
    name: 'Laboratory',
    kind: 'laboratory',
    weight: 0.07,
    sites: [main],
    exposure: true,
    chemicals: true,
    reportsTo: 'Chief Medical Officer',
    head: { title: 'Laboratory Director', weight: 0 },
    manager: { title: 'Laboratory Supervisor', weight: 0 },
    staff: [
      { title: 'Medical Laboratory Scientist', weight: 45 },
      { title: 'Lab Technician', weight: 30 },
      { title: 'Phlebotomist', weight: 20, patientContact: true },
      { title: 'Pathologist', weight: 5 },
    ],
  },
  {
    name: 'Pharmacy',
    kind: 'pharmacy',
    weight: 0.05,
    sites: [main, outpatient],
    chemicals: true,
    reportsTo: 'Chief Medical Officer',
    head: { title: 'Director of Pharmacy', weight: 0 },
    manager: { title: 'Pharmacy Supervisor', weight: 0 },
    staff: [
      { title: 'Pharmacist', weight: 50 },
      { title: 'Clinical Pharmacist', weight: 10, patientContact: true },
      { title: 'Pharmacy Technician', weight: 40 },
    ],
  },
  {
    name: 'Radiology',
    kind: 'diagnostic',
    weight: 0.05,
    sites: [main, outpatient],
    radiation: true,
    reportsTo: 'Chief Medical Officer',
    head: { title: 'Radiology Director', weight: 0, patientContact: true },
    manager: { title: 'Lead Technologist', weight: 0, patientContact: true },
    staff: [
      { title: 'Radiologic Technologist', weight: 50, patientContact: true },
      { title: 'CT Technologist', weight: 15, patientContact: true },
      { title: 'MRI Technologist', weight: 10, patientContact: true },
      { title: 'Sonographer', weight: 12, patientContact: true },
      { title: 'Radiologist', weight: 13, patientContact: true },
    ],
  },
  {
    name: 'Information Technology',
    kind: 'it',
    weight: 0.05,
    sites: [main, corporate],
    personalData: true,
    reportsTo: 'Chief Information Officer',
    head: { title: 'IT Director', weight: 0 },
    manager: { title: 'IT Manager', weight: 0 },
    staff: [
      { title: 'IT Analyst', weight: 30 },
      { title: 'Service Desk Technician', weight: 25 },
      { title: 'Network Engineer', weight: 10 },
      { title: 'Clinical Informatics Analyst', weight: 15 },
      { title: 'Security Analyst', weight: 10 },
      { title: 'Database Administrator', weight: 10 },
    ],
  },
  {
    name: 'Administration',
    kind: 'administrative',
    weight: 0.08,
    sites: [main, north, outpatient],
    reportsTo: 'Chief Operating Officer',
    head: { title: 'Director of Patient Access', weight: 0 },
    manager: { title: 'Patient Access Supervisor', weight: 0 },
    staff: [
      { title: 'Patient Access Representative', weight: 40 },
      { title: 'Health Information Specialist', weight: 25 },
      { title: 'Administrative Assistant', weight: 20 },
      { title: 'Scheduler', weight: 15 },
    ],
  },
  {
    name: 'Finance',
    kind: 'administrative',
    weight: 0.04,
    sites: [corporate, main],
    personalData: true,
    reportsTo: 'Chief Financial Officer',
    head: { title: 'Controller', weight: 0 },
    manager: { title: 'Revenue Cycle Manager', weight: 0 },
    staff: [
      { title: 'Billing Specialist', weight: 40 },
      { title: 'Accountant', weight: 25 },
      { title: 'Payroll Specialist', weight: 15 },
      { title: 'Financial Analyst', weight: 20 },
    ],
  },
  {
    name: 'Human Resources',
    kind: 'administrative',
    weight: 0.03,
    sites: [corporate],
    personalData: true,
    reportsTo: 'Chief Human Resources Officer',
    head: { title: 'HR Director', weight: 0 },
    manager: { title: 'HR Manager', weight: 0 },
    staff: [
      { title: 'HR Generalist', weight: 40 },
      { title: 'Recruiter', weight: 35 },
      { title: 'Benefits Specialist', weight: 25 },
    ],
  },
  {
    name: 'Facilities & Environmental Services',
    kind: 'support',
    weight: 0.07,
    sites: [main, north, outpatient],
    exposure: true,
    chemicals: true,
    reportsTo: 'Chief Operating Officer',
    head: { title: 'Facilities Director', weight: 0 },
    manager: { title: 'Facilities Supervisor', weight: 0 },
    staff: [
      { title: 'Environmental Services Technician', weight: 45 },
      { title: 'Maintenance Technician', weight: 25 },
      { title: 'Security Officer', weight: 20 },
      { title: 'Biomedical Equipment Technician', weight: 10 },
    ],
  },
  {
    name: 'Corporate Office',
    kind: 'corporate',
    weight: 0.03,
    sites: [corporate],
    personalData: true,
    reportsTo: 'Chief Executive Officer',
    head: EXECUTIVES[0] ?? { title: 'Chief Executive Officer', weight: 0 },
    manager: { title: 'Corporate Services Manager', weight: 0 },
    staff: [
      { title: 'Compliance Analyst', weight: 30 },
      { title: 'Privacy Officer', weight: 10 },
      { title: 'Legal Counsel', weight: 15 },
      { title: 'Executive Assistant', weight: 25 },
      { title: 'Communications Specialist', weight: 20 },
    ],
  },
];

/** Trainers who teach the instructor-led courses (they need not be in the roster). */
export const INSTRUCTORS: readonly string[] = [
  'Dana Whitfield, RN, BSN',
  'Marcus Obi, NRP',
  'Helen Kowalczyk, RN, CEN',
  'Arturo Salas, RN',
  'Grace Lindholm, MSN, RN',
  'Tomás Ferreira, RRT',
];

/** Signs the certificates that the education department issues. */
export const EDUCATION_DIRECTOR = 'Patricia L. Hammond, MSN, RN';
