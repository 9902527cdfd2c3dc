import type { PacketEvidence, ReviewSignatureLine } from '../packetModel';
import type { Flow } from './flow';
import type { OutlineNode } from './outline';
import { MUTED } from './pageLayout';
import type { ReportContext } from './reportContext';
import type { Detail, Row } from './tableSpec';
import { grouped, utc } from './words';

// "Evidence index": every evidence file in the packet with its full SHA-256, what it is about,
// and each review signature with printed name, date and time (UTC) and meaning (21 CFR 11.50(b)).

export function evidenceSection(context: ReportContext, flow: Flow): OutlineNode {
  const node = flow.section1('Evidence index');
  const files = context.model.evidence;
  flow.paragraph(
    `${grouped(files.length)} ${files.length === 1 ? 'file' : 'files'}, as stored in the packet (redacted versions where a file was redacted; ` +
      'the original stays in the vault). Each review signature gives the printed name, the date and time (UTC) and the meaning of ' +
      'the signature (21 CFR 11.50(b)).',
    { color: MUTED },
  );
  if (files.length === 0) {
    flow.paragraph('The packet holds no evidence files.');
    return node;
  }
  flow.table(
    {
      columns: [
        { header: '#', share: 0.05, align: 'right' },
        { header: 'Path', share: 0.49 },
        { header: 'Media type', share: 0.17 },
        { header: 'Size (bytes)', share: 0.12, align: 'right' },
        { header: 'Redacted', share: 0.17 },
      ],
      detailFrom: 1,
    },
    files.map((file, index) => evidenceRow(file, index)),
    () => context.progress.row(),
  );
  return node;
}

function evidenceRow(file: PacketEvidence, index: number): Row {
  const details: Detail[] = [{ label: 'SHA-256', text: file.sha256 }];
  const about = [`evidence ${file.evidenceId}`];
  if (file.requirementIds.length > 0) about.push(`for ${file.requirementIds.join(', ')}`);
  if (file.person !== null) about.push(`person ${file.person}`);
  details.push({ label: 'About', text: about.join(' \u00b7 ') });
  if (file.reviews.length === 0) details.push({ label: 'Signed', text: 'no review signature', color: MUTED });
  for (const review of file.reviews) details.push({ label: 'Signed', text: signatureLine(review) });
  return {
    cells: [
      String(index + 1),
      file.path,
      file.mediaType,
      grouped(file.size),
      file.redacted ? `yes, from ${file.redactedFrom ?? 'an original in the vault'}` : 'no',
    ],
    details,
  };
}

/** A review signature on one line: who (printed and user name), when, what it means, the outcome. */
function signatureLine(review: ReviewSignatureLine): string {
  const parts = [`${review.printedName} (${review.userName})`, utc(review.at), `meaning: ${review.meaning}`, `evidence ${review.state}`];
  if (review.reason !== null && review.reason !== '') parts.push(`reason: ${review.reason}`);
  return parts.join(' \u00b7 ');
}
