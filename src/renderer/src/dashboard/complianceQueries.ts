import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { keepPreviousData } from '@tanstack/react-query';
import type { ChannelInput, ChannelOutput } from '../../../shared/ipc/contract';
import { call } from '../ipc/call';

export type ComplianceReport = ChannelOutput<'custodian:compliance.report'>;
export type Readiness = ComplianceReport['overall'];
export type Gap = Readiness['gaps'][number];
/** What the drill-down lists: a gap, or a heat-map cell (a unit's people in scope whose training is not current). */
export type DrillDown = Gap | { requirementId: string; frameworkId: string | null; kind: 'not_current'; unit: string; people: number; points: number };
export type GapKind = Gap['kind'];
export type TrendPoint = ChannelOutput<'custodian:compliance.trend'>['points'][number];
export type GapPeople = ChannelOutput<'custodian:compliance.gap'>;
export type FrameworkPack = ChannelOutput<'custodian:compliance.frameworks'>['frameworks'][number];

/** Every compliance answer sits under this key, so one invalidation recomputes the dashboard. */
const ROOT = 'compliance';

/**
 * The report on `asOf` (all enabled frameworks, or one). While a new date is computed the last
 * answer stays on screen (`isPlaceholderData`), labelled with its own date.
 */
export function useComplianceReport(asOf: string, frameworkId: string | null) {
  return useQuery({
    queryKey: [ROOT, 'report', asOf, frameworkId],
    queryFn: () => call(window.custodian.compliance.report({ asOf, ...(frameworkId ? { frameworkId } : {}) })),
    placeholderData: keepPreviousData,
  });
}

/** Twelve month-ends and the date; asked for only once `enabled` (after the score has painted). */
export function useComplianceTrend(asOf: string, enabled: boolean) {
  return useQuery({
    queryKey: [ROOT, 'trend', asOf],
    queryFn: () => call(window.custodian.compliance.trend({ asOf })),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useGapPeople(input: ChannelInput<'custodian:compliance.gap'> | null) {
  return useQuery({
    queryKey: [ROOT, 'gap', input?.asOf, input?.requirementId, input?.kind, input?.unit],
    queryFn: () => call(window.custodian.compliance.gap(input ?? { asOf: '', requirementId: '', kind: 'expired' })),
    enabled: input !== null,
  });
}

export function useFrameworkPacks(enabled = true) {
  return useQuery({
    queryKey: [ROOT, 'frameworks'],
    queryFn: () => call(window.custodian.compliance.frameworks()),
    enabled,
  });
}

/** Counts a pack in (or out of) the score; every compliance answer is recomputed after. */
export function useEnableFramework() {
  const client = useQueryClient();
  return useMutation({
    /** Disabling needs a `reason` (core refuses without one: it goes into the log). */
    mutationFn: (input: { id: string; enabled: boolean; reason?: string; effectiveFrom?: string }) => call(window.custodian.compliance.enableFramework(input)),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: [ROOT] });
    },
  });
}
