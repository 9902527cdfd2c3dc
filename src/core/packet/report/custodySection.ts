import { PAYLOAD } from '../packetFormat';
import type { Flow } from './flow';
import type { OutlineNode } from './outline';
import { MUTED } from './pageLayout';
import type { ReportContext } from './reportContext';
import { orDash, utc } from './words';

// "Chain of custody": the audit-log entries about what the packet holds, oldest first, each
// proved to be in the log at the packet's checkpoint by data/audit/proofs.json.

export function custodySection(context: ReportContext, flow: Flow): OutlineNode {
  const { model } = context;
  const node = flow.section1('Chain of custody');
  flow.paragraph(
    'Audit-log entries about what the packet holds (imports, reviews, redactions), oldest first. Each is proved to be in the log at ' +
      `the checkpoint below by ${PAYLOAD.proofs}.`,
    { color: MUTED },
  );
  if (model.custody.length === 0) {
    flow.paragraph('No audit-log entry concerns what the packet holds.');
    return node;
  }
  flow.table(
    {
      columns: [
        { header: 'Seq', share: 0.06, align: 'right' },
        { header: 'At (UTC)', share: 0.19 },
        { header: 'Actor', share: 0.11 },
        { header: 'Action', share: 0.15 },
        { header: 'Target', share: 0.13 },
        { header: 'Summary', share: 0.36 },
      ],
    },
    model.custody.map((entry) => ({ cells: [String(entry.seq), utc(entry.at, false), entry.actor, entry.action, orDash(entry.target), entry.summary] })),
    () => context.progress.row(),
  );
  return node;
}
