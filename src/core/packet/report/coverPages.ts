import { PAYLOAD, TAG_FILES } from '../packetFormat';
import { fitted } from './face';
import { Flow } from './flow';
import { CONTENT_WIDTH, LEFT, MARGIN, MUTED, PAGE_HEIGHT, RIGHT, STRONG_RULE, num } from './pageLayout';
import type { ReportContext } from './reportContext';
import type { Sheet } from './sheet';
import { kv } from './tableSpec';
import { grouped, orAll, utc } from './words';

// The cover: organisation, packet, scope, signer, checkpoint and the readiness score at a glance.
// One page, unless hostile text makes the scope list longer than a page; the title is cut to
// three lines (the table gives the organisation's name in full).

export function coverPages(context: ReportContext): Sheet[] {
  const { model, faces, cleaner, progress } = context;
  const flow = new Flow(faces, cleaner);
  const sheet = flow.newPage();
  flow.section = 'Cover';
  let y = PAGE_HEIGHT - MARGIN - 40;
  sheet.text(LEFT, y, 'AUDIT PACKET REPORT', 'bold', 8.5, MUTED);
  y -= 30;
  // At most three lines of title; the table below gives the name in full.
  const title = flow.wrap(model.organisation, CONTENT_WIDTH, 'bold', 22);
  if (title.length > 3) title.splice(2, title.length - 2, fitted(title.slice(2).join(' '), CONTENT_WIDTH, faces.bold, 22));
  for (const line of title) {
    sheet.text(LEFT, y, line, 'bold', 22);
    y -= 27;
  }
  sheet.text(LEFT, y + 4, cleaner.clean(`Audit packet ${model.packetId}`), 'regular', 11, MUTED);
  y -= 14;
  sheet.line(LEFT, y, RIGHT, y, STRONG_RULE, 0.8);
  flow.y = y - 10;

  const { scope, signer, checkpoint } = model;
  flow.table(
    {
      columns: [
        { header: '', share: 0.24 },
        { header: '', share: 0.76 },
      ],
      header: false,
    },
    [
      kv('Organisation', model.organisation),
      kv('Packet ID', model.packetId),
      kv('Frameworks', scope.frameworks.map((f) => `${f.title} (${f.id})`).join('; ') || 'none'),
      kv('Period', `${scope.from} to ${scope.to}; statuses as of ${scope.to}`),
      kv('Units', orAll(scope.units)),
      kv('Roles', orAll(scope.roles)),
      kv('Sites', orAll(scope.sites)),
      kv('Audience', scope.audience),
      kv('Signed by', `${signer.printedName} (user ${signer.userName})`),
      kv('Signing key', signer.fingerprint),
      kv('Audit-log checkpoint', `${grouped(checkpoint.size)} entries, root ${checkpoint.root}`),
      kv('Built at', utc(model.builtAt)),
    ],
  );
  const score = model.readiness.overall.score;
  flow.space(6);
  flow.paragraph(score === null ? 'Audit readiness score: not scored (nothing in scope could be measured).' : `Audit readiness score: ${num(score)} / 100`, {
    font: 'bold',
    size: 11,
    leading: 15,
  });
  flow.paragraph(
    `This report is ${PAYLOAD.report} of the packet. Every file of the packet, this one included, is listed with its SHA-256 in ` +
      `${TAG_FILES.manifest256}, and the tag manifest is signed with the key above. "Checkpoint and verification" tells how to check ` +
      'the packet with stock tools. People are shown as the audience sees them.',
    { color: MUTED },
  );
  progress.step(1);
  return flow.sheets;
}
