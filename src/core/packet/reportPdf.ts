import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { PacketModel } from './packetModel';
import { Cleaner } from './report/cleaner';
import { contentsPages } from './report/contentsPages';
import { coverPages } from './report/coverPages';
import { Face } from './report/face';
import type { Faces } from './report/face';
import { liberationSans, subsetName } from './report/liberationSans';
import { writeLinks, writeOutline } from './report/outline';
import type { OutlineNode } from './report/outline';
import { PAGE_HEIGHT } from './report/pageLayout';
import { Progress } from './report/progress';
import { reportBody } from './report/reportBody';
import type { ReportContext } from './report/reportContext';
import { writeMetadata } from './report/writeMetadata';
import { writePages } from './report/writePages';

// data/report.pdf: the packet's human-readable report, drawn with pdf-lib straight into content
// streams (text as hex glyph ids of an embedded subset of Liberation Sans, SIL OFL 1.1). Same
// model, same bytes: no clock, no randomness, dates from model.builtAt, subset tags from a hash.
// The parts live in ./report/: fonts and text cleaning, the page and table layout (Flow), one
// file per section, and the outline; this file puts them in order.

export interface RenderReportOptions {
  /** Called after each section and each batch of table rows; `done` reaches `total` at the end. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Renders the report of an audit packet: cover, contents, readiness, requirements, evidence
 * index, requests, chain of custody, checkpoint. Text the font cannot show (control characters,
 * emoji, anything outside its character map) is drawn as `?`, never thrown over.
 *
 * @returns the PDF bytes, identical for an identical model.
 * @throws when the Liberation Sans files cannot be read from pdfjs-dist's folder.
 */
export async function renderReportPdf(model: PacketModel, options: RenderReportOptions = {}): Promise<Uint8Array> {
  const fonts = await liberationSans();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(fonts.regular, { subset: true, customName: subsetName(model, 'LiberationSans') });
  const bold = await doc.embedFont(fonts.bold, { subset: true, customName: subsetName(model, 'LiberationSans-Bold') });
  const faces: Faces = { regular: new Face(regular, 'F1'), bold: new Face(bold, 'F2') };
  const cleaner = new Cleaner([regular.getCharacterSet(), bold.getCharacterSet()]);
  const progress = new Progress(model, options.onProgress);
  const context: ReportContext = { model, faces, cleaner, progress };

  const cover = coverPages(context);
  const body = await reportBody(context);
  const toc = contentsPages(context, body.entries);
  const sheets = [...cover, ...toc.sheets, ...body.sheets];
  const pageOf = new Map(sheets.map((sheet, index) => [sheet, index]));
  toc.writePageNumbers((sheet) => (pageOf.get(sheet) ?? 0) + 1);

  const pages = writePages(doc, sheets, faces, cleaner, model);
  writeLinks(doc, toc.links, pages);
  const coverNode: OutlineNode = { title: 'Cover', sheet: sheets[0] ?? toc.node.sheet, y: PAGE_HEIGHT, children: [] };
  writeOutline(doc, [coverNode, toc.node, ...body.outline], pages);
  writeMetadata(doc, model);
  progress.step(1);
  await progress.yield();
  const bytes = await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false, objectsPerTick: 5000 });
  progress.finish();
  return bytes;
}
