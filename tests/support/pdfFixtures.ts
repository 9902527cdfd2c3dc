import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';

export interface FixtureLine {
  text: string;
  x: number;
  y: number;
  size?: number;
}

/**
 * A PDF carrying everything redaction must not let through: /Info and XMP metadata, an embedded
 * attachment, document JavaScript, an outline entry, a form field (an annotation) and a text
 * annotation, plus the given lines of text in Helvetica.
 */
export async function richPdf(pages: FixtureLine[][], options: { rotate?: number } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Secret Title Quixote');
  doc.setAuthor('Author Zebulon');
  doc.setSubject('Subject Marmalade');
  doc.setKeywords(['Keyword Periwinkle']);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    if (options.rotate) page.setRotation({ type: 'degrees', angle: options.rotate } as never);
    for (const line of lines) page.drawText(line.text, { x: line.x, y: line.y, size: line.size ?? 14, font });
  }
  const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Xmp Wolfgang</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  const metadata = doc.context.stream(xmp, { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(metadata));
  await doc.attach(Buffer.from('Attachment Gargoyle secret'), 'gargoyle.txt', { mimeType: 'text/plain', description: 'Attachment Gargoyle' });
  doc.addJavaScript('hello', 'app.alert("Script Bazooka");');
  const form = doc.getForm();
  const field = form.createTextField('field.Quokka');
  field.setText('Field Quokka value');
  field.addToPage(doc.getPage(0), { x: 300, y: 100, width: 200, height: 24 });
  const outline = doc.context.obj({ Title: PDFString.of('Outline Narwhal'), Dest: [doc.getPage(0).ref, PDFName.of('Fit')] });
  const outlineRef = doc.context.register(outline);
  const outlines = doc.context.obj({ Type: 'Outlines', First: outlineRef, Last: outlineRef, Count: 1 });
  const outlinesRef = doc.context.register(outlines);
  outline.set(PDFName.of('Parent'), outlinesRef);
  doc.catalog.set(PDFName.of('Outlines'), outlinesRef);
  const note = doc.context.obj({ Type: 'Annot', Subtype: 'Text', Rect: [50, 50, 70, 70], Contents: PDFString.of('Comment Ocelot'), Open: true });
  doc.getPage(0).node.addAnnot(doc.context.register(note));
  return doc.save({ useObjectStreams: false });
}

/**
 * Appends an incremental update that empties page 1: a reader shows a blank page, but the
 * earlier revision, with its text, stays in the file's bytes (how redacted-then-saved PDFs leak).
 */
export async function withIncrementalRevision(bytes: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes);
  const page = doc.getPage(0);
  const source = Buffer.from(bytes).toString('latin1');
  const prev = Number(/startxref\s+(\d+)/.exec(source.slice(source.lastIndexOf('startxref')))?.[1]);
  const root = /\/Root\s+(\d+ \d+ R)/.exec(source)?.[1] ?? '1 0 R';
  const info = /\/Info\s+(\d+ \d+ R)/.exec(source)?.[1];
  const size = doc.context.largestObjectNumber + 1;
  const content = 'q Q';
  const pageDict = page.node.toString().replace(/\/Contents\s+(\d+ \d+ R|\[[^\]]*\])/, `/Contents ${size} 0 R`);
  const contentObj = `${size} 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`;
  const pageObj = `${page.ref.objectNumber} 0 obj\n${pageDict}\nendobj\n`;
  const contentAt = bytes.length + 1;
  const pageAt = contentAt + contentObj.length;
  const xrefAt = pageAt + pageObj.length;
  const pad = (n: number): string => String(n).padStart(10, '0');
  const xref =
    `xref\n${page.ref.objectNumber} 1\n${pad(pageAt)} 00000 n \n${size} 1\n${pad(contentAt)} 00000 n \n` +
    `trailer\n<< /Size ${size + 1} /Root ${root}${info ? ` /Info ${info}` : ''} /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(bytes), Buffer.from(`\n${contentObj}${pageObj}${xref}`, 'latin1')]);
}

/**
 * A one-page PDF (612 x 792) showing `text` (capital letters only) at `size` points from (x, y) in
 * a Type3 font whose every glyph is a solid bar from `below` to `above` ems around the baseline,
 * one em wide plus `beyond` ems on each side, with a ToUnicode map so readers extract the letters. Type3 glyphs are drawings:
 * they can reach far outside the usual ascent and descent, as a decorative or scanned-in font's do.
 */
export function type3BarPdf(
  text: string,
  { x, y, size, below, above, beyond = 0 }: { x: number; y: number; size: number; below: number; above: number; beyond?: number },
): Uint8Array {
  // Each bar reaches `beyond` ems past its advance on both sides.
  const [left, right] = [-beyond * 1000, (1 + beyond) * 1000];
  const box = [left, -below * 1000, right, above * 1000] as const;
  return type3Pdf(text, {
    x,
    y,
    size,
    fontBBox: box,
    glyph: `1000 0 ${box.join(' ')} d1\n${left} ${-below * 1000} ${right - left} ${(above + below) * 1000} re f\n`,
  });
}

/**
 * A one-page PDF (612 x 792) showing `text` (capital letters only) at `size` points from (x, y)
 * in a Type3 font whose every glyph is the content stream `glyph` (starting with its d0 or d1),
 * declaring `fontBBox` and `fontMatrix` (the usual 1/1000 em by default), the glyphs'
 * `resources` (the inside of a resource dictionary) and advances of 1000,
 * with a ToUnicode map so readers extract the letters. A Type3 glyph may draw anywhere: outside
 * its d0 box, its font's bounding box, beside a mirrored or offset font matrix.
 */
export function type3Pdf(
  text: string,
  {
    x,
    y,
    size,
    glyph,
    fontBBox,
    fontMatrix = [0.001, 0, 0, 0.001, 0, 0],
    resources = '',
  }: { x: number; y: number; size: number; glyph: string; fontBBox: readonly number[]; fontMatrix?: readonly number[]; resources?: string },
): Uint8Array {
  const letters = [...new Set(text)];
  if (letters.some((l) => !/^[A-Z]$/.test(l))) throw new Error('capital letters only');
  const doc = new Doc();
  const font = type3(
    doc,
    letters.map((l) => ({ code: l.charCodeAt(0), unicode: l, proc: glyph })),
    { fontMatrix: [...fontMatrix], bbox: [...fontBBox], resources },
  );
  return doc.build({ resources: `/Font << /T3 ${font} >>`, content: `BT /T3 ${size} Tf ${x} ${y} Td (${text}) Tj ET` });
}

/** A one-page PDF: objects 1–3 are the catalog, page tree and page; `add` numbers the rest from 4. */
export class Doc {
  objs: string[] = [];
  add(body: string): string {
    this.objs.push(body);
    return `${this.objs.length + 3} 0 R`;
  }
  stream(data: string, dict = ''): string {
    const d = data.endsWith('\n') ? data : `${data}\n`;
    return this.add(`<< /Length ${Buffer.byteLength(d, 'latin1')} ${dict} >>\nstream\n${d}endstream`);
  }
  binStream(data: Buffer, dict = ''): string {
    return this.add(`<< /Length ${data.length} ${dict} >>\nstream\n${data.toString('latin1')}\nendstream`);
  }
  build({
    content,
    resources,
    page = '',
    mediaBox = [0, 0, 612, 792],
    catalog = '',
  }: {
    content: string;
    resources: string;
    page?: string;
    mediaBox?: number[];
    catalog?: string;
  }): Uint8Array {
    const contentRef = this.stream(content);
    const objects = [
      `<< /Type /Catalog /Pages 2 0 R ${catalog} >>`,
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [${mediaBox.join(' ')}] ${page} /Resources << ${resources} >> /Contents ${contentRef} >>`,
      ...this.objs,
    ];
    let pdf = '%PDF-1.7\n';
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(pdf.length);
      pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}`;
    pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(pdf, 'latin1');
  }
}
export const hex = (n: number, w = 2) => n.toString(16).padStart(w, '0');
export const utf16 = (s: string) => Array.from({ length: s.length }, (_, i) => hex(s.charCodeAt(i), 4)).join('');
export function toUnicode(map: [number, string][], bytes = 1): string {
  return [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    bytes === 1 ? '1 begincodespacerange <00> <FF> endcodespacerange' : '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    `${map.length} beginbfchar`,
    ...map.map(([code, u]) => `<${hex(code, bytes * 2)}> <${utf16(u)}>`),
    'endbfchar endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
}
export interface Glyph {
  code: number;
  unicode: string;
  proc: string;
  width?: number;
}
export function type3(doc: Doc, glyphs: Glyph[], { fontMatrix = [0.001, 0, 0, 0.001, 0, 0], bbox = [0, 0, 1000, 1000], resources = '' } = {}): string {
  const procs = glyphs.map((g) => `/g${g.code} ${doc.stream(g.proc)}`).join(' ');
  const tu = doc.stream(toUnicode(glyphs.filter((g) => g.unicode !== '').map((g) => [g.code, g.unicode])));
  const first = Math.min(...glyphs.map((g) => g.code));
  const last = Math.max(...glyphs.map((g) => g.code));
  const w = Array.from({ length: last - first + 1 }, (_, i) => glyphs.find((g) => g.code === first + i)?.width ?? 1000);
  return doc.add(
    `<< /Type /Font /Subtype /Type3 /FontBBox [${bbox.join(' ')}] /FontMatrix [${fontMatrix.join(' ')}] /CharProcs << ${procs} >> /Encoding << /Type /Encoding /Differences [${glyphs.map((g) => `${g.code} /g${g.code}`).join(' ')}] >> /FirstChar ${first} /LastChar ${last} /Widths [${w.join(' ')}] /Resources << ${resources} >> /ToUnicode ${tu} >>`,
  );
}
