import { PDFHexString, PDFName } from 'pdf-lib';
import type { PDFDocument, PDFPage, PDFRef } from 'pdf-lib';
import { metadataText } from './cleaner';
import { PAGE_HEIGHT } from './pageLayout';
import type { Sheet } from './sheet';

// The report's navigation: bookmarks (/Outlines) and the contents lines' link annotations, both
// pointing at OutlineNodes, the headings the layout placed. Written after every page exists.
// @throws Error if a node's sheet was never written as a page (a layout bug, not bad input).

/** Where a heading sits: the target of a bookmark and of a contents line. */
export interface OutlineNode {
  title: string;
  sheet: Sheet;
  /** Top of the heading, in page coordinates. */
  y: number;
  children: OutlineNode[];
}

/** A line of the contents, clickable over `rect` (x1 y1 x2 y2). */
export interface ContentsLink {
  sheet: Sheet;
  rect: [number, number, number, number];
  target: OutlineNode;
}

/** [page /XYZ null top null]: the heading's top, at the reader's current zoom. */
function destination(doc: PDFDocument, pages: Map<Sheet, PDFPage>, node: OutlineNode) {
  const page = pages.get(node.sheet);
  if (!page) throw new Error('A bookmark points at a page that was never written.');
  return doc.context.obj([page.ref, 'XYZ', null, Math.round(Math.min(node.y, PAGE_HEIGHT)), null]);
}

/** The contents lines as links to their headings. */
export function writeLinks(doc: PDFDocument, links: ContentsLink[], pages: Map<Sheet, PDFPage>): void {
  const bySheet = new Map<Sheet, PDFRef[]>();
  for (const link of links) {
    const annotation = doc.context.register(
      doc.context.obj({
        Type: 'Annot',
        Subtype: 'Link',
        Rect: link.rect.map((value) => Math.round(value * 100) / 100),
        Border: [0, 0, 0],
        Dest: destination(doc, pages, link.target),
      }),
    );
    const list = bySheet.get(link.sheet) ?? [];
    list.push(annotation);
    bySheet.set(link.sheet, list);
  }
  for (const [sheet, annotations] of bySheet) pages.get(sheet)?.node.set(PDFName.of('Annots'), doc.context.obj(annotations));
}

/**
 * The bookmarks: pdf-lib has no API for them, so the /Outlines tree is built from dictionaries
 * (ISO 32000-1 12.3.3). Items with children start closed (negative /Count).
 */
export function writeOutline(doc: PDFDocument, nodes: OutlineNode[], pages: Map<Sheet, PDFPage>): void {
  const { context } = doc;
  const rootRef = context.nextRef();
  const write = (items: OutlineNode[], parent: PDFRef): PDFRef[] => {
    const itemRefs = items.map(() => context.nextRef());
    items.forEach((item, index) => {
      const ref = itemRefs[index];
      if (!ref) return;
      const children = write(item.children, ref);
      const dict = context.obj({
        Title: PDFHexString.fromText(metadataText(item.title)),
        Parent: parent,
        Dest: destination(doc, pages, item),
      });
      const prev = itemRefs[index - 1];
      const next = itemRefs[index + 1];
      if (prev) dict.set(PDFName.of('Prev'), prev);
      if (next) dict.set(PDFName.of('Next'), next);
      const first = children[0];
      const last = children.at(-1);
      if (first && last) {
        dict.set(PDFName.of('First'), first);
        dict.set(PDFName.of('Last'), last);
        dict.set(PDFName.of('Count'), context.obj(-children.length));
      }
      context.assign(ref, dict);
    });
    return itemRefs;
  };
  const top = write(nodes, rootRef);
  const root = context.obj({ Type: 'Outlines', Count: top.length });
  const first = top[0];
  const last = top.at(-1);
  if (first && last) {
    root.set(PDFName.of('First'), first);
    root.set(PDFName.of('Last'), last);
  }
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
