import { PAYLOAD } from '../packetFormat';
import type { PacketRequest } from '../packetModel';
import type { Flow } from './flow';
import type { OutlineNode } from './outline';
import { ALERT, MUTED } from './pageLayout';
import type { ReportContext } from './reportContext';
import type { Detail, Row } from './tableSpec';
import { DASH, grouped, orDash } from './words';

// "Requests": the auditor's request list, request by request, answered or not. An unanswered
// request is listed (in the alarm colour), never dropped.

export function requestsSection(context: ReportContext, flow: Flow): OutlineNode {
  const node = flow.section1('Requests');
  const requests = context.model.requests;
  if (requests === null) {
    flow.paragraph('No request list was given for this packet.');
    return node;
  }
  const unanswered = requests.filter((request) => !request.answered).length;
  flow.paragraph(
    `${grouped(requests.length)} ${requests.length === 1 ? 'request' : 'requests'} on the auditor\u2019s list: ${grouped(requests.length - unanswered)} answered, ` +
      `${grouped(unanswered)} unanswered. Each is answered in ${PAYLOAD.requests}/<Request ID>/; an unanswered request is listed, never dropped.`,
    { color: MUTED },
  );
  if (requests.length === 0) return node;
  flow.table(
    {
      columns: [
        { header: 'Request', share: 0.14 },
        { header: 'Code', share: 0.1 },
        { header: 'Control codes', share: 0.18 },
        { header: 'Answered', share: 0.15 },
        { header: 'Matched requirements', share: 0.25 },
        { header: 'Unmatched codes', share: 0.18 },
      ],
      detailFrom: 1,
    },
    requests.map((request) => requestRow(request)),
    () => context.progress.row(),
  );
  return node;
}

function requestRow(request: PacketRequest): Row {
  const details: Detail[] = [];
  if (request.details !== '') details.push({ label: 'Details', text: request.details });
  details.push({
    label: 'Assigned',
    text: [request.assignedTo ?? 'nobody', request.dueOn === null ? 'no due date' : `due ${request.dueOn}`, `folder ${request.folder}`].join(' \u00b7 '),
  });
  return {
    cells: [
      request.requestId,
      orDash(request.requestCode),
      request.controlCodes.join(', ') || DASH,
      request.answered ? 'answered' : { text: 'UNANSWERED', font: 'bold', color: ALERT },
      request.matchedRequirementIds.join(', ') || DASH,
      request.unmatchedCodes.join(', ') || DASH,
    ],
    details,
  };
}
