import { PDFName } from 'pdf-lib';
import type { PDFDocument, PDFPage } from 'pdf-lib';
import { PAYLOAD } from '../packetFormat';
import type { PacketModel } from '../packetModel';
import type { Cleaner } from './cleaner';
import { fitted } from './face';
import type { Faces } from './face';
import { CONTENT_WIDTH, FOOTER_BASELINE, HEADER_BASELINE, LEFT, MUTED, PAGE_HEIGHT, PAGE_WIDTH, RIGHT, SMALL_SIZE } from './pageLayout';
import type { Sheet } from './sheet';

// Turns the laid-out sheets, in their final order, into PDF pages: the running header (section
// and organisation) and footer (packet, page n of m) drawn on each, one shared /Resources
// dictionary, each page's operators as one Flate stream. Called once, after every sheet is drawn.

/** @returns each sheet's page, for the links and bookmarks that point at it. */
export function writePages(doc: PDFDocument, sheets: Sheet[], faces: Faces, cleaner: Cleaner, model: PacketModel): Map<Sheet, PDFPage> {
  const { context } = doc;
  const resources = context.register(context.obj({ Font: { [faces.regular.resource]: faces.regular.font.ref, [faces.bold.resource]: faces.bold.font.ref } }));
  const organisation = cleaner.clean(model.organisation);
  const footerLeft = cleaner.clean(`Audit packet ${model.packetId} \u00b7 ${PAYLOAD.report}`);
  const pages = new Map<Sheet, PDFPage>();
  sheets.forEach((sheet, index) => {
    if (sheet.section !== '') {
      sheet.text(LEFT, HEADER_BASELINE, cleaner.clean(sheet.section), 'regular', SMALL_SIZE, MUTED);
      sheet.textRight(RIGHT, HEADER_BASELINE, fitted(organisation, CONTENT_WIDTH / 2, faces.regular, SMALL_SIZE), 'regular', SMALL_SIZE, MUTED);
      sheet.line(LEFT, HEADER_BASELINE - 5, RIGHT, HEADER_BASELINE - 5);
    }
    sheet.line(LEFT, FOOTER_BASELINE + 10, RIGHT, FOOTER_BASELINE + 10);
    sheet.text(LEFT, FOOTER_BASELINE, footerLeft, 'regular', SMALL_SIZE, MUTED);
    sheet.textRight(RIGHT, FOOTER_BASELINE, `Page ${index + 1} of ${sheets.length}`, 'regular', SMALL_SIZE, MUTED);
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    page.node.set(PDFName.of('Resources'), resources);
    page.node.set(PDFName.of('Contents'), context.register(context.flateStream(Buffer.from(sheet.ops.join('\n'), 'latin1'))));
    pages.set(sheet, page);
  });
  return pages;
}
