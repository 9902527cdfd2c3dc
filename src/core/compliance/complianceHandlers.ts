import type { Handlers } from '../../shared/ipc/dispatch';
import { MASK } from '../records/masking';
import { personNames } from '../records/personNames';
import type { VaultSession } from '../vault/vaultSession';
import { localToday, parseAsOf } from './calendarDate';
import { complianceReport, complianceTrend, gapPeople } from './complianceReport';
import { FRAMEWORK_PACKS } from './frameworkPacks';
import { disableFramework, enableFramework, listFrameworks, withdrawnRequirements } from './requirementStore';

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
      const current = session();
      const report = await complianceReport(current, { asOf: asOf === undefined ? localToday() : parseAsOf(asOf), ...(frameworkId ? { frameworkId } : {}) });
      const names = await personNames(current, [...new Set([...report.expiries.soonest, ...report.certificationExpiries.soonest].map((e) => e.personId))]);
      const person = (personId: string) => names.get(personId)?.name ?? '(unknown)';
      return {
        ...report,
        expiries: { ...report.expiries, soonest: report.expiries.soonest.map((e) => ({ ...e, person: person(e.personId) })) },
        certificationExpiries: {
          ...report.certificationExpiries,
          soonest: report.certificationExpiries.soonest.map((c) => ({ ...c, person: person(c.personId) })),
        },
      };
    },
    'custodian:compliance.trend': async ({ asOf }) => ({ points: await complianceTrend(session(), asOf === undefined ? localToday() : parseAsOf(asOf)) }),
    'custodian:compliance.gap': async ({ asOf, requirementId, kind, unit }) => {
      const current = session();
      const { total, people } = await gapPeople(current, { asOf: parseAsOf(asOf), requirementId, kind, limit: 500, ...(unit ? { unit } : {}) });
      const names = await personNames(
        current,
        people.map((p) => p.personId),
      );
      return {
        total,
        // Where names are masked the pseudonym stands in for the employee id: people stay tellable apart.
        people: people.map((p) => {
          const named = names.get(p.personId);
          return { ...p, name: named?.name ?? '(unknown)', employeeId: named && named.name === MASK ? named.pseudonym : (named?.employeeId ?? null) };
        }),
      };
    },
    'custodian:compliance.frameworks': async () => {
      const [enabled, withdrawn] = await session().read((db) => [listFrameworks(db, { disabledBy: true }), withdrawnRequirements(db)] as const);
      return {
        withdrawn,
        frameworks: FRAMEWORK_PACKS.map((p) => ({
          id: p.id,
          title: p.title,
          version: p.version,
          source: p.source,
          requirements: p.requirements.length,
          enabled: enabled.some((f) => f.id === p.id && f.enabled),
          disabled: enabled.find((f) => f.id === p.id)?.disabled ?? null,
        })),
      };
    },
    'custodian:compliance.enableFramework': async ({ id, enabled, reason, effectiveFrom }) => {
      if (enabled) await enableFramework(session(), id, effectiveFrom ? { effectiveFrom } : {});
      else await disableFramework(session(), id, reason ?? '');
      return {};
    },
  };
}
