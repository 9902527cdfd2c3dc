import type { VaultSession } from '../vault/vaultSession';

export interface VaultStats {
  people: number;
  orgUnits: number;
  jobRoles: number;
  courses: number;
  completions: number;
  certifications: number;
  evidence: number;
  users: number;
  imports: number;
  auditEntries: number;
  /** Versions kept beyond the current ones (corrections). */
  supersededVersions: number;
}

/** Counts of each entity (current versions only, unless said otherwise). */
export async function vaultStats(session: VaultSession): Promise<VaultStats> {
  session.require('records.read', 'read records');
  return session.read((db) => {
    const row = db.get<VaultStats>(`
      SELECT
        (SELECT count(*) FROM people WHERE current = 1) AS people,
        (SELECT count(*) FROM org_units) AS orgUnits,
        (SELECT count(*) FROM job_roles) AS jobRoles,
        (SELECT count(*) FROM courses WHERE current = 1) AS courses,
        (SELECT count(*) FROM completion_versions WHERE current = 1) AS completions,
        (SELECT count(*) FROM certifications WHERE current = 1) AS certifications,
        (SELECT count(*) FROM evidence) AS evidence,
        (SELECT count(*) FROM users WHERE removed_at IS NULL AND kind = 'person') AS users,
        (SELECT count(*) FROM imports) AS imports,
        (SELECT count(*) FROM audit_log) AS auditEntries,
        (SELECT (SELECT count(*) FROM people WHERE current = 0) + (SELECT count(*) FROM courses WHERE current = 0)
              + (SELECT count(*) FROM completion_versions WHERE current = 0) + (SELECT count(*) FROM certifications WHERE current = 0)) AS supersededVersions
    `);
    if (!row) throw new Error('stats query returned nothing');
    return row;
  });
}
