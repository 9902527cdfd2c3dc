import { CustodianError } from '../../shared/errors';
import type { VaultSession } from '../vault/vaultSession';
import { MASK, canSee, masked } from './masking';

export interface PersonDetail {
  personId: string;
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
  versions: { version: number; recordedAt: string; recordedBy: string; reason: string | null; sourceRow: number | null }[];
  evidence: { evidenceId: string; fileName: string; addedAt: string }[];
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

/** A person's current record, every earlier version, and linked evidence, masked by role. */
export async function personDetail(session: VaultSession, personId: string): Promise<PersonDetail> {
  session.require('records.read', 'read records');
  const role = session.principal.role;
  return session.read(async (db) => {
    const versions = await db.all<Row>(
      `SELECT p.*, u.name AS org_unit, r.name AS job_role, coalesce(us.name, p.recorded_by) AS recorded_by
       FROM people p LEFT JOIN org_units u ON u.id = p.org_unit_id LEFT JOIN job_roles r ON r.id = p.job_role_id
       LEFT JOIN users us ON us.id = p.recorded_by
       WHERE p.person_id = ? ORDER BY p.version DESC`,
      [personId],
    );
    const current = versions.find((v) => v.current === 1);
    if (!current) throw new CustodianError('not_found', 'No such person in this vault.');
    const evidence = await db.all<{ id: string; file_name: string; added_at: string }>(
      "SELECT e.id, e.file_name, e.added_at FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id WHERE l.target_kind = 'person' AND l.target_id = ? ORDER BY e.added_at",
      [personId],
    );
    const pii = canSee(role, 'pii');
    return {
      personId,
      masked: !pii,
      name: pii ? `${current.given_name} ${current.family_name}` : MASK,
      employeeId: masked(role, 'pii', current.employee_id),
      email: masked(role, 'pii', current.email),
      dateOfBirth: masked(role, 'phi', current.date_of_birth),
      orgUnit: current.org_unit,
      jobRole: current.job_role,
      site: current.site,
      managerEmployeeId: masked(role, 'pii', current.manager_employee_id),
      hireDate: current.hire_date,
      terminationDate: current.termination_date,
      versions: versions.map((v) => ({ version: v.version, recordedAt: v.recorded_at, recordedBy: v.recorded_by, reason: v.reason, sourceRow: v.source_row })),
      evidence: evidence.map((e) => ({ evidenceId: e.id, fileName: pii ? e.file_name : MASK, addedAt: e.added_at })),
    };
  });
}
