import { CustodianError } from '../../shared/errors';
import { CERTIFICATION_FIELDS } from '../../shared/records/dataClasses';
import type { ReadableDb } from '../db/database';
import type { Role } from '../../shared/roles';
import type { VaultSession } from '../vault/vaultSession';
import { MASK, canSee } from './masking';
import { pseudonym } from './pseudonym';
import { shownField } from './projectField';
import { rolePolicy } from '../../shared/records/maskingPolicy';

export interface RecordVersion {
  version: number;
  recordedAt: string;
  recordedBy: string;
  reason: string | null;
  sourceRow: number | null;
}

export interface PersonCertification {
  certificationId: string;
  name: string;
  number: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
  issuer: string | null;
  /** The current version's number. */
  version: number;
  /** Every version, newest first. */
  versions: RecordVersion[];
}

export interface PersonDetail {
  personId: string;
  pseudonym: string;
  /** The manager by name ("Family, Given"), for roles that see names and when the manager is in the vault. */
  managerName: string | null;
  masked: boolean;
  name: string;
  employeeId: string | null;
  email: string | null;
  dateOfBirth: string | null;
  orgUnit: string | null;
  jobRole: string | null;
  site: string | null;
  managerEmployeeId: string | null;
  hireDate: string | null;
  terminationDate: string | null;
  versions: RecordVersion[];
  evidence: { evidenceId: string; fileName: string; addedAt: string }[];
  /** Current certifications, by name then latest expiry; fields masked by their data class. */
  certifications: PersonCertification[];
}

interface CertificationRow {
  certification_id: string;
  version: number;
  current: number;
  name: string;
  number: string | null;
  issued_on: string | null;
  expires_on: string | null;
  issuer: string | null;
  recorded_at: string;
  recorded_by: string;
  reason: string | null;
  source_row: number | null;
}

function versionOf(v: { version: number; recorded_at: string; recorded_by: string; reason: string | null; source_row: number | null }): RecordVersion {
  return { version: v.version, recordedAt: v.recorded_at, recordedBy: v.recorded_by, reason: v.reason, sourceRow: v.source_row };
}

/** The person's current certifications with all their versions, each field masked per CERTIFICATION_FIELDS. */
function certificationsOf(db: ReadableDb, role: Role, personId: string): PersonCertification[] {
  const rows = db.all<CertificationRow>(
    `SELECT c.certification_id, c.version, c.current, c.name, c.number, c.issued_on, c.expires_on, c.issuer, c.recorded_at,
            coalesce(us.name, c.recorded_by) AS recorded_by, c.reason, c.source_row
     FROM certifications c LEFT JOIN users us ON us.id = c.recorded_by
     WHERE c.certification_id IN (SELECT certification_id FROM certifications WHERE person_id = ? AND current = 1)
     ORDER BY c.certification_id, c.version DESC`,
    [personId],
  );
  const versions = new Map<string, RecordVersion[]>();
  for (const row of rows) versions.set(row.certification_id, [...(versions.get(row.certification_id) ?? []), versionOf(row)]);
  const policy = rolePolicy(role);
  const field = (name: keyof typeof CERTIFICATION_FIELDS, value: string | null) => shownField(policy, 'certification', name, value);
  return rows
    .filter((row) => row.current === 1)
    .sort(
      (a, b) =>
        a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) ||
        (b.expires_on ?? '').localeCompare(a.expires_on ?? '') ||
        a.certification_id.localeCompare(b.certification_id),
    )
    .map((row) => ({
      certificationId: row.certification_id,
      name: field('name', row.name) ?? MASK,
      number: field('number', row.number),
      issuedOn: field('issuedOn', row.issued_on),
      expiresOn: field('expiresOn', row.expires_on),
      issuer: field('issuer', row.issuer),
      version: row.version,
      versions: versions.get(row.certification_id) ?? [],
    }));
}

interface Row {
  person_id: string;
  version: number;
  current: number;
  employee_id: string | null;
  given_name: string;
  family_name: string;
  email: string | null;
  date_of_birth: string | null;
  site: string | null;
  org_unit: string | null;
  job_role: string | null;
  manager_employee_id: string | null;
  hire_date: string | null;
  termination_date: string | null;
  recorded_at: string;
  recorded_by: string;
  reason: string | null;
  source_row: number | null;
}

/** A person's current record, every earlier version, linked evidence and certifications, masked by role. */
export async function personDetail(session: VaultSession, personId: string): Promise<PersonDetail> {
  session.require('records.read', 'read records');
  const role = session.principal.role;
  return session.read((db) => {
    const versions = db.all<Row>(
      `SELECT p.*, u.name AS org_unit, r.name AS job_role, coalesce(us.name, p.recorded_by) AS recorded_by
       FROM people p LEFT JOIN org_units u ON u.id = p.org_unit_id LEFT JOIN job_roles r ON r.id = p.job_role_id
       LEFT JOIN users us ON us.id = p.recorded_by
       WHERE p.person_id = ? ORDER BY p.version DESC`,
      [personId],
    );
    const current = versions.find((v) => v.current === 1);
    if (!current) throw new CustodianError('not_found', 'No such person in this vault.');
    const evidence = db.all<{ id: string; file_name: string; added_at: string }>(
      "SELECT e.id, e.file_name, e.added_at FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id WHERE l.target_kind = 'person' AND l.target_id = ? ORDER BY e.added_at",
      [personId],
    );
    const pii = canSee(role, 'pii');
    const policy = rolePolicy(role);
    const manager =
      pii && current.manager_employee_id
        ? db.get<{ given_name: string; family_name: string }>('SELECT given_name, family_name FROM people WHERE current = 1 AND employee_id = ? LIMIT 1', [
            current.manager_employee_id,
          ])
        : undefined;
    return {
      personId,
      pseudonym: pseudonym(session.vaultId, personId),
      masked: !pii,
      managerName: manager ? `${manager.family_name}, ${manager.given_name}` : null,
      name: pii ? `${current.given_name} ${current.family_name}` : MASK,
      employeeId: shownField(policy, 'person', 'employeeId', current.employee_id),
      email: shownField(policy, 'person', 'email', current.email),
      dateOfBirth: shownField(policy, 'person', 'dateOfBirth', current.date_of_birth),
      orgUnit: current.org_unit,
      jobRole: current.job_role,
      site: current.site,
      managerEmployeeId: shownField(policy, 'person', 'managerEmployeeId', current.manager_employee_id),
      hireDate: shownField(policy, 'person', 'hireDate', current.hire_date),
      terminationDate: shownField(policy, 'person', 'terminationDate', current.termination_date),
      versions: versions.map(versionOf),
      evidence: evidence.map((e) => ({ evidenceId: e.id, fileName: pii ? e.file_name : MASK, addedAt: e.added_at })),
      certifications: certificationsOf(db, role, personId),
    };
  });
}
