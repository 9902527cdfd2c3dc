import type { ComplianceReport } from './complianceQueries';

export interface RequirementInfo {
  requirementId: string;
  title: string;
  clause: string | null;
  frameworkId: string;
  frameworkTitle: string;
}

/** Requirement id -> its title, clause and framework, from a report of every framework. */
export function requirementInfo(report: ComplianceReport): Map<string, RequirementInfo> {
  const map = new Map<string, RequirementInfo>();
  for (const framework of report.frameworks) {
    for (const r of framework.requirements) {
      map.set(r.requirementId, {
        requirementId: r.requirementId,
        title: r.title,
        clause: r.clause,
        frameworkId: framework.id,
        frameworkTitle: framework.title,
      });
    }
  }
  return map;
}
