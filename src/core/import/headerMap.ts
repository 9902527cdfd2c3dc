import { CustodianError } from '../../shared/errors';

// Column headers as real exports spell them (Moodle course completion and grade reports,
// Cornerstone transcripts, Workday Learning, TalentLMS, SAP SuccessFactors, plain HRIS
// rosters, HR licence and credential tracking reports), mapped to our fields. Headers are compared normalised: lower case, letters and
// digits only ("E-mail" = "email", "Score (%)" = "score").

export type ImportKind = 'roster' | 'completions' | 'certifications';

export const ROSTER_TARGETS = [
  'employeeId',
  'email',
  'givenName',
  'familyName',
  'fullName',
  'dateOfBirth',
  'site',
  'orgUnit',
  'jobRole',
  'managerEmployeeId',
  'hireDate',
  'terminationDate',
] as const;
export const COMPLETION_TARGETS = [
  'employeeId',
  'email',
  'fullName',
  'courseCode',
  'courseTitle',
  'courseVersion',
  'provider',
  'hours',
  'completedOn',
  'score',
  'passed',
  'expiresOn',
  'trainer',
  'deliveryMethod',
  'certificateNumber',
] as const;
export const CERTIFICATION_TARGETS = [
  'employeeId',
  'email',
  'fullName',
  'certificationName',
  'certificationNumber',
  'issuedOn',
  'expiresOn',
  'issuer',
] as const;
export type ImportField = (typeof ROSTER_TARGETS)[number] | (typeof COMPLETION_TARGETS)[number] | (typeof CERTIFICATION_TARGETS)[number];

/** The fields a file of this kind may map its columns to. */
export function targetsFor(kind: ImportKind): readonly ImportField[] {
  return kind === 'roster' ? ROSTER_TARGETS : kind === 'completions' ? COMPLETION_TARGETS : CERTIFICATION_TARGETS;
}

const COMMON: Record<string, ImportField> = {
  employeeid: 'employeeId',
  employeenumber: 'employeeId',
  employeeno: 'employeeId',
  empid: 'employeeId',
  personnumber: 'employeeId',
  personid: 'employeeId',
  workerid: 'employeeId',
  staffid: 'employeeId',
  staffnumber: 'employeeId',
  idnumber: 'employeeId',
  userid: 'employeeId',
  badgenumber: 'employeeId',
  email: 'email',
  emailaddress: 'email',
  workemail: 'email',
  primaryworkemail: 'email',
  useremail: 'email',
  mail: 'email',
  businessemail: 'email',
  name: 'fullName',
  fullname: 'fullName',
  employeename: 'fullName',
  worker: 'fullName',
  learner: 'fullName',
  learnername: 'fullName',
  username: 'fullName',
  employee: 'fullName',
  participant: 'fullName',
};

const ROSTER: Record<string, ImportField> = {
  ...COMMON,
  firstname: 'givenName',
  givenname: 'givenName',
  forename: 'givenName',
  legalfirstname: 'givenName',
  preferredfirstname: 'givenName',
  userfirstname: 'givenName',
  lastname: 'familyName',
  surname: 'familyName',
  familyname: 'familyName',
  legallastname: 'familyName',
  userlastname: 'familyName',
  dateofbirth: 'dateOfBirth',
  dob: 'dateOfBirth',
  birthdate: 'dateOfBirth',
  site: 'site',
  location: 'site',
  worklocation: 'site',
  facility: 'site',
  campus: 'site',
  department: 'orgUnit',
  dept: 'orgUnit',
  orgunit: 'orgUnit',
  organisationunit: 'orgUnit',
  organizationunit: 'orgUnit',
  organisation: 'orgUnit',
  organization: 'orgUnit',
  division: 'orgUnit',
  unit: 'orgUnit',
  costcenter: 'orgUnit',
  costcentre: 'orgUnit',
  supervisoryorganization: 'orgUnit',
  jobtitle: 'jobRole',
  title: 'jobRole',
  position: 'jobRole',
  positiontitle: 'jobRole',
  jobrole: 'jobRole',
  role: 'jobRole',
  jobprofile: 'jobRole',
  businesstitle: 'jobRole',
  managerid: 'managerEmployeeId',
  manageremployeeid: 'managerEmployeeId',
  supervisorid: 'managerEmployeeId',
  managernumber: 'managerEmployeeId',
  manageremployeenumber: 'managerEmployeeId',
  hiredate: 'hireDate',
  startdate: 'hireDate',
  dateofhire: 'hireDate',
  originalhiredate: 'hireDate',
  dateofjoining: 'hireDate',
  datehired: 'hireDate',
  terminationdate: 'terminationDate',
  enddate: 'terminationDate',
  leavedate: 'terminationDate',
  dateofleaving: 'terminationDate',
  termdate: 'terminationDate',
  leavingdate: 'terminationDate',
};

const COMPLETIONS: Record<string, ImportField> = {
  ...COMMON,
  coursecode: 'courseCode',
  courseid: 'courseCode',
  courseshortname: 'courseCode',
  shortname: 'courseCode',
  itemid: 'courseCode',
  trainingcode: 'courseCode',
  coursenumber: 'courseCode',
  code: 'courseCode',
  learningobjectid: 'courseCode',
  loid: 'courseCode',
  course: 'courseTitle',
  coursename: 'courseTitle',
  coursetitle: 'courseTitle',
  coursefullname: 'courseTitle',
  trainingtitle: 'courseTitle',
  trainingname: 'courseTitle',
  title: 'courseTitle',
  learningitem: 'courseTitle',
  itemtitle: 'courseTitle',
  training: 'courseTitle',
  learningobjecttitle: 'courseTitle',
  courseversion: 'courseVersion',
  version: 'courseVersion',
  revision: 'courseVersion',
  provider: 'provider',
  trainingprovider: 'provider',
  vendor: 'provider',
  hours: 'hours',
  credithours: 'hours',
  durationhours: 'hours',
  duration: 'hours',
  credits: 'hours',
  timecompleted: 'completedOn',
  completiondate: 'completedOn',
  datecompleted: 'completedOn',
  completed: 'completedOn',
  completedon: 'completedOn',
  completiontime: 'completedOn',
  completeddate: 'completedOn',
  dateofcompletion: 'completedOn',
  transcriptcompleteddate: 'completedOn',
  completiondatetime: 'completedOn',
  attemptcompleted: 'completedOn',
  datetaken: 'completedOn',
  grade: 'score',
  finalgrade: 'score',
  score: 'score',
  scorepercent: 'score',
  result: 'score',
  mark: 'score',
  percentage: 'score',
  assessmentscore: 'score',
  testscore: 'score',
  passed: 'passed',
  pass: 'passed',
  passfail: 'passed',
  status: 'passed',
  completionstatus: 'passed',
  transcriptstatus: 'passed',
  outcome: 'passed',
  expirydate: 'expiresOn',
  expirationdate: 'expiresOn',
  expires: 'expiresOn',
  validuntil: 'expiresOn',
  expiry: 'expiresOn',
  expireson: 'expiresOn',
  certificationexpires: 'expiresOn',
  trainer: 'trainer',
  instructor: 'trainer',
  facilitator: 'trainer',
  assessor: 'trainer',
  deliverymethod: 'deliveryMethod',
  deliverytype: 'deliveryMethod',
  trainingtype: 'deliveryMethod',
  method: 'deliveryMethod',
  modality: 'deliveryMethod',
  format: 'deliveryMethod',
  certificatenumber: 'certificateNumber',
  certificateno: 'certificateNumber',
  certificateid: 'certificateNumber',
  certno: 'certificateNumber',
  certificate: 'certificateNumber',
};

// Licences, certifications and credentials as HR systems and credential trackers export them
// (Workday "Certification" reports, nursing licence rosters, BLS/ACLS card lists).
const CERTIFICATIONS: Record<string, ImportField> = {
  ...COMMON,
  certification: 'certificationName',
  certificationname: 'certificationName',
  certificationtitle: 'certificationName',
  certificationtype: 'certificationName',
  license: 'certificationName',
  licence: 'certificationName',
  licensetype: 'certificationName',
  licencetype: 'certificationName',
  licensename: 'certificationName',
  licencename: 'certificationName',
  credential: 'certificationName',
  credentialname: 'certificationName',
  credentialtype: 'certificationName',
  certificate: 'certificationName',
  certificatename: 'certificationName',
  certificatetype: 'certificationName',
  qualification: 'certificationName',
  qualificationname: 'certificationName',
  licenseorcertification: 'certificationName',
  licensecertification: 'certificationName',
  licensenumber: 'certificationNumber',
  licenseno: 'certificationNumber',
  licencenumber: 'certificationNumber',
  licenceno: 'certificationNumber',
  licenseid: 'certificationNumber',
  certificationnumber: 'certificationNumber',
  certificationno: 'certificationNumber',
  certificationid: 'certificationNumber',
  credentialid: 'certificationNumber',
  credentialnumber: 'certificationNumber',
  certificatenumber: 'certificationNumber',
  certificateno: 'certificationNumber',
  certificateid: 'certificationNumber',
  certno: 'certificationNumber',
  cardnumber: 'certificationNumber',
  registrationnumber: 'certificationNumber',
  number: 'certificationNumber',
  issuedate: 'issuedOn',
  issued: 'issuedOn',
  dateissued: 'issuedOn',
  issuedon: 'issuedOn',
  dateofissue: 'issuedOn',
  dateearned: 'issuedOn',
  earneddate: 'issuedOn',
  earnedon: 'issuedOn',
  dateawarded: 'issuedOn',
  awarddate: 'issuedOn',
  certificationdate: 'issuedOn',
  licenseissuedate: 'issuedOn',
  licenceissuedate: 'issuedOn',
  datecertified: 'issuedOn',
  expirydate: 'expiresOn',
  expirationdate: 'expiresOn',
  expires: 'expiresOn',
  validuntil: 'expiresOn',
  validto: 'expiresOn',
  expiry: 'expiresOn',
  expireson: 'expiresOn',
  dateexpires: 'expiresOn',
  renewaldue: 'expiresOn',
  certificationexpires: 'expiresOn',
  certificationexpirationdate: 'expiresOn',
  licenseexpirationdate: 'expiresOn',
  licenceexpirydate: 'expiresOn',
  licenseexpiration: 'expiresOn',
  licenseexpirydate: 'expiresOn',
  issuer: 'issuer',
  issuingbody: 'issuer',
  issuingorganization: 'issuer',
  issuingorganisation: 'issuer',
  issuingauthority: 'issuer',
  issuedby: 'issuer',
  certifyingbody: 'issuer',
  certifyingorganization: 'issuer',
  certifyingorganisation: 'issuer',
  certifyingagency: 'issuer',
  licensingboard: 'issuer',
  licensingbody: 'issuer',
  licensingauthority: 'issuer',
  awardingbody: 'issuer',
  accreditingbody: 'issuer',
  certificationbody: 'issuer',
};

const GENERIC_COURSE_HEADERS = new Set(['title', 'code']);

const TABLES: Record<ImportKind, Record<string, ImportField>> = { roster: ROSTER, completions: COMPLETIONS, certifications: CERTIFICATIONS };

export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Which kind the headers look like: completions if they name a course and a completion date;
 * certifications if they name a certification (licence, credential) and a person key but no
 * course; else a roster if they name people or where they work.
 */
export function detectKind(headers: readonly string[]): ImportKind | null {
  const keys = new Set(headers.map(normaliseHeader));
  const has = (table: Record<string, ImportField>, field: ImportField) => [...keys].some((key) => table[key] === field);
  if ((has(COMPLETIONS, 'courseTitle') || has(COMPLETIONS, 'courseCode')) && has(COMPLETIONS, 'completedOn')) return 'completions';
  // A bare "Title" or "Code" beside a licence column is a job title or a licence code, not a course.
  const namesCourse = [...keys].some((key) => !GENERIC_COURSE_HEADERS.has(key) && (COMPLETIONS[key] === 'courseTitle' || COMPLETIONS[key] === 'courseCode'));
  if (!namesCourse && has(CERTIFICATIONS, 'certificationName') && (has(CERTIFICATIONS, 'employeeId') || has(CERTIFICATIONS, 'email'))) return 'certifications';
  if (has(ROSTER, 'givenName') || has(ROSTER, 'familyName') || has(ROSTER, 'fullName') || has(ROSTER, 'orgUnit') || has(ROSTER, 'jobRole')) return 'roster';
  return null;
}

/** `--map "Header=field"`, repeatable. */
export function parseMapFlags(flags: readonly string[], kind: ImportKind): Map<string, ImportField | null> {
  const targets: readonly string[] = targetsFor(kind);
  const overrides = new Map<string, ImportField | null>();
  for (const flag of flags) {
    const at = flag.lastIndexOf('=');
    if (at <= 0) throw new CustodianError('validation_failed', `--map "${flag}" must look like "Header=field"`);
    const header = flag.slice(0, at).trim();
    const field = flag.slice(at + 1).trim();
    if (field === '' || field === 'ignore') overrides.set(normaliseHeader(header), null);
    else if (targets.includes(field)) overrides.set(normaliseHeader(header), field as ImportField);
    else throw new CustodianError('validation_failed', `--map: unknown field "${field}" for a ${kind} import; fields: ${targets.join(', ')}, or ignore`);
  }
  return overrides;
}

export interface ColumnMapping {
  /** Column index -> field, for mapped columns only. */
  fields: Map<number, ImportField>;
  /** Headers not mapped to anything (reported, ignored). */
  unmapped: string[];
}

/**
 * Maps each header to a field: --map overrides first, then synonyms. The first column wins when
 * two map to the same field; the others are listed as unmapped.
 * @throws CustodianError('validation_failed') when no column maps to anything.
 */
export function mapHeaders(headers: readonly string[], kind: ImportKind, overrides: Map<string, ImportField | null> = new Map()): ColumnMapping {
  const table = TABLES[kind];
  const fields = new Map<number, ImportField>();
  const used = new Set<ImportField>();
  const unmapped: string[] = [];
  headers.forEach((header, index) => {
    const key = normaliseHeader(header);
    const field = overrides.has(key) ? overrides.get(key) : table[key];
    if (field && !used.has(field)) {
      fields.set(index, field);
      used.add(field);
    } else {
      unmapped.push(header);
    }
  });
  if (fields.size === 0) {
    throw new CustodianError(
      'validation_failed',
      `None of the columns (${headers.slice(0, 8).join(', ')}${headers.length > 8 ? ', …' : ''}) is one Custodian knows for a ${kind} import. Map them with --map "Header=field".`,
    );
  }
  return { fields, unmapped };
}
