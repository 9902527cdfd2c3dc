import type { Handlers } from '../../shared/ipc/dispatch';
import { personNames } from '../records/personNames';
import type { VaultSession } from '../vault/vaultSession';
import { localToday } from './calendarDate';
import { complianceReport, complianceTrend, gapPeople } from './complianceReport';
import { FRAMEWORK_PACKS } from './frameworkPacks';
import { disableFramework, enableFramework, listFrameworks } from './requirementStore';

type ComplianceChannel =
  | 'custodian:compliance.report'
  | 'custodian:compliance.trend'
  | 'custodian:compliance.gap'
  | 'custodian:compliance.frameworks'
  | 'custodian:compliance.enableFramework';

/** The compliance channels' core side. `session` throws vault_locked when no vault is open. */
export function complianceHandlers(session: () => VaultSession): Pick<Handlers, ComplianceChannel> {
  return {
    'custodian:compliance.report': async ({ asOf, frameworkId }) => {
      // No `includePairs`: a report for the screen never carries one row per (person, requirement).
      return complianceReport(session(), { asOf: asOf ?? localToday(), ...(frameworkId ? { frameworkId } : {}) });
    },
    'custodian:compliance.trend': async ({ asOf }) => ({ points: await complianceTrend(session(), asOf ?? localToday()) }),
    'custodian:compliance.gap': async ({ asOf, requirementId, kind }) => {
      const current = session();
      const { total, people } = await gapPeople(current, { asOf, requirementId, kind, limit: 500 });
      const names = await personNames(current, people.map((p) => p.personId));
      return {
        total,
        people: people.map((p) => ({ ...p, name: names.get(p.personId)?.name ?? '(unknown)', employeeId: names.get(p.personId)?.employeeId ?? null })),
      };
    },
    'custodian:compliance.frameworks': async () => {
      const enabled = await session().read((db) => listFrameworks(db));
      return {
        frameworks: FRAMEWORK_PACKS.map((p) => ({
          id: p.id,
          title: p.title,
          version: p.version,
          source: p.source,
          requirements: p.requirements.length,
          enabled: enabled.some((f) => f.id === p.id && f.enabled),
        })),
      };
    },
    'custodian:compliance.enableFramework': async ({ id, enabled }) => {
      if (enabled) await enableFramework(session(), id);
      else await disableFramework(session(), id);
      return {};
    },
  };
}
