import type { ChannelOutput } from '../../../shared/ipc/contract';

export type EvidenceRow = ChannelOutput<'custodian:evidence.list'>['rows'][number];
export type EvidenceState = EvidenceRow['state'];

export const STATE_LABELS: Record<EvidenceState, string> = {
  pending: 'Unreviewed',
  accepted: 'Accepted',
  rejected: 'Rejected',
  superseded: 'Superseded',
};
export const STATE_COLORS: Record<EvidenceState, string> = { pending: 'orange', accepted: 'teal', rejected: 'red', superseded: 'gray' };

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The person as the user's role may see them: "Family, Given (E123)", or the pseudonym. */
export function personLabel(person: EvidenceRow['person']): string {
  if (!person) return '—';
  if (person.name === '•••••') return person.pseudonym;
  return `${person.name}${person.employeeId ? ` (${person.employeeId})` : ''}`;
}

/** What a file is linked to, in a few words. */
export function linksLabel(links: EvidenceRow['links']): string {
  const shown = links.filter((l) => l.kind !== 'person');
  if (shown.length === 0) return links.length > 0 ? 'Person' : '—';
  if (shown.length <= 2) return shown.map((l) => l.label).join('; ');
  return `${shown.length.toLocaleString('en')} ${shown[0]?.kind === 'completion' ? 'trainings' : 'records'}`;
}

/** "accepted by Dana Reyes, 2025-03-02 14:05 (approved)". */
export function reviewLine(review: NonNullable<EvidenceRow['review']>): string {
  const who = review.printedName ?? review.userName;
  const when = review.at.slice(0, 16).replace('T', ' ');
  return `${review.state === 'accepted' ? 'Accepted' : 'Rejected'} by ${who}, ${when} UTC${review.meaning ? ` (${review.meaning})` : ''}`;
}
