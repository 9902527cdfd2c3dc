import type { ChannelInput } from '../../../shared/ipc/contract';
import type { ScopeDraft } from './PacketScopeForm';

type Scope = ChannelInput<'custodian:packet.preview'>['scope'];

/** The draft as the contract's scope (core validates it again). */
export function scopeOf(draft: ScopeDraft): Scope {
  const sample =
    draft.sample === 'all'
      ? { kind: 'all' as const }
      : draft.sample === 'fixed'
        ? { kind: 'fixed' as const, size: Math.max(1, Math.round(draft.size)) }
        : draft.sample === 'attribute'
          ? { kind: 'attribute' as const, confidence: draft.confidence / 100, tolerableRate: draft.rate / 100 }
          : { kind: 'attribute' as const, confidence: 0.95, tolerableRate: 0.1 };
  return {
    frameworks: draft.frameworks,
    from: draft.from,
    to: draft.to,
    units: draft.units,
    roles: draft.roles,
    sites: draft.sites,
    audience: draft.audience,
    sample,
    seed: draft.seed.trim() === '' ? null : draft.seed.trim(),
    organisation: draft.organisation.trim(),
    useRequests: draft.useRequests,
    includeUnredacted: draft.includeUnredacted,
  };
}

export function recipientsOf(draft: ScopeDraft): string[] {
  return draft.recipients
    .split(/\s+/)
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

/** What is missing before a preview or build, in words; null when the scope is complete. */
export function scopeProblem(draft: ScopeDraft): string | null {
  if (draft.frameworks.length === 0) return 'Choose at least one framework.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.from) || !/^\d{4}-\d{2}-\d{2}$/.test(draft.to)) return 'Give the period as two dates.';
  if (draft.from > draft.to) return 'The period must end on or after its start.';
  if (draft.organisation.trim() === '') return 'Name the organisation.';
  const bad = recipientsOf(draft).find((r) => !/^age1[0-9a-z]{58}$/.test(r));
  if (bad) return `${bad} is not an age recipient (age1…, 62 characters).`;
  return null;
}
