import type { PacketModel } from './packetModel';
import { csvCell } from './recordsCsv';

/**
 * data/requests/<Request ID>/: the auditor's request list answered request by request. Each
 * folder has `request.txt` (the request, and either what answers it or UNANSWERED and why)
 * and, when answered, `answer.csv` listing the packet files and records that answer it.
 */
export function requestFiles(model: PacketModel): Map<string, string> {
  const files = new Map<string, string>();
  for (const request of model.requests ?? []) {
    const requirements = model.requirements.filter((r) => request.matchedRequirementIds.includes(r.requirementId));
    const lines = [
      `Request ID: ${request.requestId}`,
      `Request Code: ${request.requestCode ?? ''}`,
      `Control Codes: ${request.controlCodes.join(', ')}`,
      `Assigned To: ${request.assignedTo ?? ''}`,
      `Due On: ${request.dueOn ?? ''}`,
      `Details: ${request.details.replace(/\s+/g, ' ')}`,
      '',
      request.answered
        ? `ANSWERED by ${String(requirements.length)} requirement(s): ${requirements.map((r) => `${r.clause ?? r.requirementId} ${r.title}`).join('; ')}`
        : 'UNANSWERED: no requirement in this packet has a clause matching its control codes.',
      ...(request.unmatchedCodes.length > 0 ? [`Control codes matching no requirement in this packet: ${request.unmatchedCodes.join(', ')}`] : []),
      '',
    ];
    files.set(`${request.folder}/request.txt`, lines.join('\n'));
    if (!request.answered) continue;
    const rows: string[] = ['requirement_id,clause,what,path'];
    for (const r of requirements) {
      rows.push([r.requirementId, r.clause, 'status of every person (filter requirement_id)', 'data/records/status.csv'].map(csvCell).join(','));
      rows.push([r.requirementId, r.clause, 'sample', 'data/sample.json'].map(csvCell).join(','));
      for (const e of model.evidence)
        if (e.requirementIds.includes(r.requirementId)) rows.push([r.requirementId, r.clause, 'evidence', e.path].map(csvCell).join(','));
    }
    files.set(`${request.folder}/answer.csv`, `${rows.join('\r\n')}\r\n`);
  }
  return files;
}
