import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import type { PDFFont, PDFPage, PDFRef } from 'pdf-lib';
import { COMPLIANCE_STATUSES, GAP_LABELS, STATUS_LABELS } from '../../shared/compliance/complianceStatus';
import type { ReadinessScore } from '../compliance/readinessScore';
import { PACKET_NAMESPACE, PAYLOAD, TAG_FILES } from './packetFormat';
import type { PacketEvidence, PacketModel, PacketRequest, PacketRequirement, ReviewSignatureLine } from './packetModel';
import { describeRule } from './sampling';

// data/report.pdf: the packet's human-readable report, drawn with pdf-lib straight into content
// streams (text as hex glyph ids of an embedded subset of Liberation Sans, SIL OFL 1.1). Same
// model, same bytes: no clock, no randomness, dates from model.builtAt, subset tags from a hash.

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

  const report = new Report(model, faces, cleaner, progress);
  const cover = report.cover();
  const body = await report.body();
  const toc = report.contents(body.entries);
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

// ---------------------------------------------------------------------------------------------
// Fonts

/** Liberation Sans Regular and Bold from pdfjs-dist's standard_fonts, read once per process. */
let fontBytes: Promise<{ regular: Uint8Array; bold: Uint8Array }> | null = null;

function liberationSans(): Promise<{ regular: Uint8Array; bold: Uint8Array }> {
  if (!fontBytes) {
    // Resolved at run time, as openPdf does: the code is bundled into out/, pdfjs-dist is not.
    const folder = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts');
    const loading = Promise.all([readFile(join(folder, 'LiberationSans-Regular.ttf')), readFile(join(folder, 'LiberationSans-Bold.ttf'))]).then(
      ([regular, bold]) => ({ regular: new Uint8Array(regular), bold: new Uint8Array(bold) }),
    );
    // A failed read is not cached: the next report tries again.
    loading.catch(() => {
      fontBytes = null;
    });
    fontBytes = loading;
  }
  return fontBytes;
}

/**
 * `ABCDEF+LiberationSans`: a subset font's name carries a six-letter tag (ISO 32000-1 9.6.4).
 * pdf-lib would append a number instead; this tag is a hash of the packet and the font, so it
 * is the same on every run and readers (pdffonts) see the font as a subset.
 */
function subsetName(model: PacketModel, postscriptName: string): string {
  const digest = createHash('sha256').update(`${model.packetId}\0${postscriptName}`).digest();
  const tag = Array.from(digest.subarray(0, 6), (byte) => String.fromCharCode(65 + (byte % 26))).join('');
  return `${tag}+${postscriptName}`;
}

type FontKey = 'regular' | 'bold';
type Faces = Record<FontKey, Face>;

/** One embedded font: widths and glyph ids cached per code point (no shaping is needed for it). */
class Face {
  private readonly widths = new Map<number, number>();
  private readonly glyphs = new Map<number, string>();

  constructor(
    readonly font: PDFFont,
    /** Its name in every page's /Font resources. */
    readonly resource: string,
  ) {}

  /** Width in points of cleaned text. */
  width(text: string, size: number): number {
    let total = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      let width = this.widths.get(cp);
      if (width === undefined) {
        width = this.font.widthOfTextAtSize(ch, 1);
        this.widths.set(cp, width);
      }
      total += width;
    }
    return total * size;
  }

  /** Cleaned text as the hex string of a Tj operator; adds its glyphs to the subset. */
  encode(text: string): string {
    let hex = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      let glyph = this.glyphs.get(cp);
      if (glyph === undefined) {
        glyph = this.font.encodeText(ch).asString();
        this.glyphs.set(cp, glyph);
      }
      hex += glyph;
    }
    return hex;
  }
}

const REPLACEMENT = '?';
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const LINE_BREAKING = /[\t\n\v\f\r\x85\u2028\u2029]/;
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]$/u;

/** Makes any string drawable: whitespace controls become spaces, anything else unshowable `?`. */
class Cleaner {
  private readonly supported: Set<number>;
  private readonly asciiFastPath: boolean;

  constructor(charsets: number[][]) {
    const [first = [], ...rest] = charsets;
    const others = rest.map((set) => new Set(set));
    this.supported = new Set(first.filter((cp) => others.every((set) => set.has(cp))));
    this.asciiFastPath = Array.from({ length: 0x7f - 0x20 }, (_, i) => i + 0x20).every((cp) => this.supported.has(cp));
  }

  clean(text: string): string {
    if (this.asciiFastPath && PRINTABLE_ASCII.test(text)) return text;
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      // A soft hyphen shows nothing.
      if (cp === 0xad) continue;
      if (LINE_BREAKING.test(ch)) out += ' ';
      else if (INVISIBLE.test(ch) || !this.supported.has(cp)) out += REPLACEMENT;
      else out += ch;
    }
    return out;
  }
}

/** For the document information dictionary, which any Unicode can go in but controls should not. */
function metadataText(text: string): string {
  return text.replace(/[\t\n\v\f\r\x85\u2028\u2029]/g, ' ').replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, REPLACEMENT);
}

// ---------------------------------------------------------------------------------------------
// Page geometry: US Letter, 0.6 in margins, a running header and footer inside them.

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN = 43.2;
const LEFT = MARGIN;
const RIGHT = PAGE_WIDTH - MARGIN;
const CONTENT_WIDTH = RIGHT - LEFT;
const HEADER_BASELINE = PAGE_HEIGHT - MARGIN - 6;
const BODY_TOP = PAGE_HEIGHT - MARGIN - 22;
const BODY_BOTTOM = MARGIN + 24;
const FOOTER_BASELINE = MARGIN + 2;

const BODY_SIZE = 9;
const BODY_LEADING = 12;
const TABLE_SIZE = 8.5;
const TABLE_LEADING = 10.6;
const CELL_PAD_X = 3.5;
const CELL_PAD_Y = 2.6;
const SMALL_SIZE = 7.5;

/** Fill colours as content-stream operators: ink, secondary text, the one alarm colour. */
const INK = '0.11 g';
const MUTED = '0.4 g';
const ALERT = '0.66 0.1 0.08 rg';
const HEADER_FILL = '0.925 g';
const CODE_FILL = '0.955 g';
const RULE = '0.75 G';
const STRONG_RULE = '0.35 G';

/** A number for a content stream: at most two decimals, no exponent. */
function num(value: number): string {
  // `+ 0` turns -0 into 0; hundredths of a point never reach exponent notation.
  return String(Math.round(value * 100) / 100 + 0);
}

/** Baseline of a line of text `size` high, set in a line `leading` high whose top is `top`. */
function baselineIn(top: number, leading: number, size: number): number {
  return top - leading / 2 - size * 0.34;
}

/**
 * One page's drawing, kept as operators until the page order is known (the contents come after
 * the body is laid out, and before it in the file).
 */
class Sheet {
  readonly ops: string[] = [];
  private fill = '';
  private stroke = '';

  constructor(
    private readonly faces: Faces,
    /** The section the page belongs to, for the running header; empty on the cover. */
    readonly section: string,
  ) {}

  /** Draws cleaned text with its baseline at `y`. */
  text(x: number, y: number, text: string, font: FontKey, size: number, color = INK): void {
    if (text === '') return;
    const face = this.faces[font];
    this.setFill(color);
    this.ops.push(`BT /${face.resource} ${num(size)} Tf ${num(x)} ${num(y)} Td <${face.encode(text)}> Tj ET`);
  }

  textRight(right: number, y: number, text: string, font: FontKey, size: number, color = INK): void {
    this.text(right - this.faces[font].width(text, size), y, text, font, size, color);
  }

  box(x: number, y: number, width: number, height: number, color: string): void {
    this.setFill(color);
    this.ops.push(`${num(x)} ${num(y)} ${num(width)} ${num(height)} re f`);
  }

  line(x1: number, y1: number, x2: number, y2: number, color = RULE, width = 0.5): void {
    if (this.stroke !== `${color} ${num(width)}`) {
      this.stroke = `${color} ${num(width)}`;
      this.ops.push(`${color} ${num(width)} w`);
    }
    this.ops.push(`${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  private setFill(color: string): void {
    if (this.fill !== color) {
      this.fill = color;
      this.ops.push(color);
    }
  }
}

/** Where a heading sits: the target of a bookmark and of a contents line. */
interface OutlineNode {
  title: string;
  sheet: Sheet;
  /** Top of the heading, in page coordinates. */
  y: number;
  children: OutlineNode[];
}

// ---------------------------------------------------------------------------------------------
// Flowing layout: paragraphs and tables that break across pages.

interface Segment {
  /** Offset from the block's left edge. */
  x: number;
  text: string;
  font: FontKey;
  color: string;
}
/** One line of a table row: a segment per column that still has text on this line. */
type Line = Segment[];

interface Column {
  header: string;
  /** Share of the content width; the shares of a table sum to 1. */
  share: number;
  align?: 'right';
}

interface Cell {
  text: string;
  font?: FontKey;
  color?: string;
}

/** A line under a row's cells, spanning from column `detailFrom` to the right edge. */
interface Detail {
  label: string;
  text: string;
  color?: string;
}

interface Row {
  cells: (string | Cell)[];
  details?: Detail[];
}

interface TableSpec {
  /** Drawn above the table, and again with "(continued)" on each further page. */
  caption?: string;
  columns: Column[];
  /** False: no header row (a key-value list). */
  header?: boolean;
  /** Column where detail lines start. */
  detailFrom?: number;
  /** False: no hairline under each row. */
  rules?: boolean;
  /** Share of the content width the table takes (1 unless given); column shares are of this. */
  width?: number;
}

class Flow {
  readonly sheets: Sheet[] = [];
  y = BODY_TOP;
  section = '';

  constructor(
    readonly faces: Faces,
    readonly cleaner: Cleaner,
  ) {}

  get sheet(): Sheet {
    const sheet = this.sheets.at(-1);
    return sheet ?? this.newPage();
  }

  newPage(): Sheet {
    const sheet = new Sheet(this.faces, this.section);
    this.sheets.push(sheet);
    this.y = BODY_TOP;
    return sheet;
  }

  /** Starts a new page unless `height` fits between the cursor and the bottom margin. */
  ensure(height: number): void {
    if (this.sheets.length === 0 || this.y - height < BODY_BOTTOM) this.newPage();
  }

  space(height: number): void {
    this.y -= height;
  }

  /** A section: always on a fresh page, with a bookmark. */
  section1(title: string): OutlineNode {
    this.section = title;
    this.newPage();
    const node: OutlineNode = { title, sheet: this.sheet, y: this.y + 4, children: [] };
    this.sheet.text(LEFT, this.y - 14, this.cleaner.clean(title), 'bold', 15);
    this.sheet.line(LEFT, this.y - 21, RIGHT, this.y - 21, STRONG_RULE, 0.8);
    this.y -= 32;
    return node;
  }

  /** A subsection heading, kept with at least `keepWith` points of what follows. */
  section2(title: string, subtitle: string | null, keepWith = 60): OutlineNode {
    const lines = this.wrap(title, CONTENT_WIDTH, 'bold', 11);
    const height = lines.length * 14 + (subtitle === null ? 0 : 12) + 6;
    if (this.y < BODY_TOP) this.space(8);
    this.ensure(height + keepWith);
    const node: OutlineNode = { title, sheet: this.sheet, y: this.y + 4, children: [] };
    for (const line of lines) {
      this.sheet.text(LEFT, this.y - 11, line, 'bold', 11);
      this.y -= 14;
    }
    if (subtitle !== null) {
      this.sheet.text(LEFT, this.y - 8, this.cleaner.clean(subtitle), 'regular', SMALL_SIZE + 0.5, MUTED);
      this.y -= 12;
    }
    this.y -= 6;
    return node;
  }

  /** A small bold caption above a table or a block. */
  caption(text: string, keepWith = 30): void {
    this.ensure(14 + keepWith);
    this.sheet.text(LEFT, this.y - 9, this.cleaner.clean(text), 'bold', 9.5);
    this.y -= 15;
  }

  paragraph(text: string, options: { font?: FontKey; size?: number; leading?: number; color?: string; indent?: number } = {}): void {
    const { font = 'regular', size = BODY_SIZE, leading = BODY_LEADING, color = INK, indent = 0 } = options;
    for (const line of this.wrap(text, CONTENT_WIDTH - indent, font, size)) {
      this.ensure(leading);
      this.sheet.text(LEFT + indent, baselineIn(this.y, leading, size), line, font, size, color);
      this.y -= leading;
    }
    this.y -= leading * 0.4;
  }

  /** A shell command, on a grey band, wrapped where it must be. */
  command(text: string): void {
    const lines = this.wrap(text, CONTENT_WIDTH - 16, 'regular', 8.5);
    let index = 0;
    while (index < lines.length) {
      this.ensure(TABLE_LEADING + 6);
      const fit = Math.max(1, Math.floor((this.y - BODY_BOTTOM - 6) / TABLE_LEADING));
      const chunk = lines.slice(index, index + fit);
      const height = chunk.length * TABLE_LEADING + 6;
      this.sheet.box(LEFT + 4, this.y - height, CONTENT_WIDTH - 4, height, CODE_FILL);
      chunk.forEach((line, i) => {
        this.sheet.text(LEFT + 10, baselineIn(this.y - 3 - i * TABLE_LEADING, TABLE_LEADING, 8.5), line, 'regular', 8.5);
      });
      this.y -= height;
      index += chunk.length;
    }
    this.y -= 6;
  }

  /**
   * A table whose rows may break across pages: the header row (and caption) repeat on every
   * page; a row moves whole to the next page unless it is taller than a page.
   * `onRow` is told after each row, for progress.
   */
  table(spec: TableSpec, rows: Iterable<Row>, onRow?: () => void): void {
    const tableWidth = (spec.width ?? 1) * CONTENT_WIDTH;
    const widths = spec.columns.map((column) => column.share * tableWidth);
    const rules = spec.rules !== false;
    const header =
      spec.header === false ? null : this.rowLines(spec, widths, { cells: spec.columns.map((column) => ({ text: column.header, font: 'bold' as const })) });
    const headerHeight = header ? header.length * TABLE_LEADING + 2 * CELL_PAD_Y : 0;
    const captionHeight = spec.caption === undefined ? 0 : 15;
    let rowsOnPage = 0;
    let started = false;

    const startPage = (continued: boolean) => {
      if (spec.caption !== undefined) {
        const caption = continued ? `${spec.caption} (continued)` : spec.caption;
        this.sheet.text(LEFT, this.y - 9, this.cleaner.clean(caption), 'bold', 9.5, continued ? MUTED : INK);
        this.y -= captionHeight;
      }
      if (header) {
        this.sheet.box(LEFT, this.y - headerHeight, tableWidth, headerHeight, HEADER_FILL);
        this.drawLines(header, 0, header.length);
        this.sheet.line(LEFT, this.y, LEFT + tableWidth, this.y, STRONG_RULE, 0.6);
      }
      rowsOnPage = 0;
    };
    const breakPage = () => {
      this.newPage();
      startPage(true);
    };

    for (const row of rows) {
      const lines = this.rowLines(spec, widths, row);
      if (!started) {
        this.ensure(captionHeight + headerHeight + Math.min(lines.length, 4) * TABLE_LEADING + 2 * CELL_PAD_Y);
        startPage(false);
        started = true;
      }
      let index = 0;
      while (index < lines.length) {
        const fit = Math.floor((this.y - BODY_BOTTOM - 2 * CELL_PAD_Y) / TABLE_LEADING);
        const remaining = lines.length - index;
        if (remaining <= fit) {
          this.drawLines(lines, index, lines.length, rules ? tableWidth : 0);
          index = lines.length;
        } else if (rowsOnPage > 0 || fit < 1) {
          breakPage();
          continue;
        } else {
          // Taller than what is left of a page that holds no other row: split it.
          this.drawLines(lines, index, index + fit, rules ? tableWidth : 0);
          index += fit;
          breakPage();
          continue;
        }
        rowsOnPage++;
      }
      onRow?.();
    }
    if (started) this.y -= 8;
  }

  /** Draws lines [from, to) of a row, with the cell padding, and a hairline `rule` wide under them. */
  private drawLines(lines: Line[], from: number, to: number, rule = 0): void {
    const top = this.y - CELL_PAD_Y;
    for (let i = from; i < to; i++) {
      const baseline = baselineIn(top - (i - from) * TABLE_LEADING, TABLE_LEADING, TABLE_SIZE);
      for (const segment of lines[i] ?? []) this.sheet.text(LEFT + segment.x, baseline, segment.text, segment.font, TABLE_SIZE, segment.color);
    }
    this.y -= (to - from) * TABLE_LEADING + 2 * CELL_PAD_Y;
    if (rule > 0) this.sheet.line(LEFT, this.y, LEFT + rule, this.y);
  }

  /** A row as lines: each cell wrapped in its column, then the detail lines across the span. */
  private rowLines(spec: TableSpec, widths: number[], row: Row): Line[] {
    const columns: { x: number; lines: string[]; font: FontKey; color: string; right: boolean; width: number }[] = [];
    let x = 0;
    spec.columns.forEach((column, index) => {
      const width = widths[index] ?? 0;
      const raw = row.cells[index] ?? '';
      const cell = typeof raw === 'string' ? { text: raw } : raw;
      const font = cell.font ?? 'regular';
      columns.push({
        x,
        width,
        font,
        color: cell.color ?? INK,
        right: column.align === 'right',
        lines: this.wrap(cell.text, width - 2 * CELL_PAD_X, font, TABLE_SIZE),
      });
      x += width;
    });
    const height = Math.max(1, ...columns.map((column) => column.lines.length));
    const lines: Line[] = [];
    for (let i = 0; i < height; i++) {
      const line: Line = [];
      for (const column of columns) {
        const text = column.lines[i];
        if (text === undefined || text === '') continue;
        const offset = column.right ? column.width - CELL_PAD_X - this.faces[column.font].width(text, TABLE_SIZE) : CELL_PAD_X;
        line.push({ x: column.x + offset, text, font: column.font, color: column.color });
      }
      lines.push(line);
    }
    const spanStart = widths.slice(0, spec.detailFrom ?? 0).reduce((sum, width) => sum + width, 0) + CELL_PAD_X;
    const spanWidth = widths.reduce((sum, width) => sum + width, 0) - spanStart - CELL_PAD_X;
    for (const detail of row.details ?? []) {
      const label = this.cleaner.clean(detail.label);
      const labelWidth = label === '' ? 0 : Math.max(this.faces.bold.width(`${label}  `, TABLE_SIZE), 52);
      this.wrap(detail.text, spanWidth - labelWidth, 'regular', TABLE_SIZE).forEach((text, i) => {
        const line: Line = [];
        if (i === 0 && label !== '') line.push({ x: spanStart, text: label, font: 'bold', color: MUTED });
        line.push({ x: spanStart + labelWidth, text, font: 'regular', color: detail.color ?? INK });
        lines.push(line);
      });
    }
    return lines;
  }

  /**
   * Cleans and wraps text to `width`: at spaces; a word wider than the line after / - _ , ; |
   * (paths, identifiers); a word still too wide anywhere.
   */
  wrap(text: string, width: number, font: FontKey, size: number): string[] {
    const face = this.faces[font];
    const clean = this.cleaner.clean(text);
    if (face.width(clean, size) <= width) return [clean.trimEnd()];
    const tokens = (clean.match(/\S*\s*/g) ?? [clean]).flatMap((word) =>
      face.width(word.trimEnd(), size) <= width ? [word] : (word.match(/[^/\\_,;|-]*[/\\_,;|-]*\s*/g) ?? [word]),
    );
    const lines: string[] = [];
    let line = '';
    let lineWidth = 0;
    for (const token of tokens) {
      if (token === '') continue;
      const visible = token.trimEnd();
      const visibleWidth = face.width(visible, size);
      if (lineWidth + visibleWidth <= width) {
        line += token;
        lineWidth += face.width(token, size);
        continue;
      }
      if (line.trim() !== '') lines.push(line.trimEnd());
      line = '';
      lineWidth = 0;
      if (visibleWidth <= width) {
        line = token;
        lineWidth = face.width(token, size);
        continue;
      }
      // A token wider than the column: break it between characters.
      for (const ch of token) {
        const chWidth = face.width(ch, size);
        if (lineWidth + chWidth > width && line !== '') {
          lines.push(line.trimEnd());
          line = '';
          lineWidth = 0;
        }
        line += ch;
        lineWidth += chWidth;
      }
    }
    if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
    return lines;
  }
}

// ---------------------------------------------------------------------------------------------
// Words

const DASH = '\u2014';

function grouped(value: number): string {
  const [whole = '', fraction] = String(value).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const withCommas = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? `${sign}${withCommas}` : `${sign}${withCommas}.${fraction}`;
}

function percent(share: number): string {
  return `${String(Math.round(share * 1000) / 10)}%`;
}

/** `2026-11-02 14:05:00 UTC` from an ISO 8601 instant; the text as given if it is not one. */
function utc(instant: string, suffix = true): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  const text = date.toISOString().slice(0, 19).replace('T', ' ');
  return suffix ? `${text} UTC` : text;
}

function orAll(values: string[]): string {
  return values.length === 0 ? 'all' : values.join(', ');
}

function orDash(value: string | null): string {
  return value === null || value === '' ? DASH : value;
}

function requirementHeading(requirement: PacketRequirement): string {
  return requirement.clause === null || requirement.clause === '' ? requirement.title : `${requirement.clause}  ${requirement.title}`;
}

function signatureLine(review: ReviewSignatureLine): string {
  const parts = [`${review.printedName} (${review.userName})`, utc(review.at), `meaning: ${review.meaning}`, `evidence ${review.state}`];
  if (review.reason !== null && review.reason !== '') parts.push(`reason: ${review.reason}`);
  return parts.join(' \u00b7 ');
}

// ---------------------------------------------------------------------------------------------
// Progress

const ROW_BATCH = 500;

class Progress {
  readonly total: number;
  private done = 0;
  private sinceReport = 0;

  constructor(
    model: PacketModel,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {
    const exceptions = model.requirements.reduce((sum, requirement) => sum + requirement.exceptions.length, 0);
    // cover, readiness, one per requirement and per row, evidence, requests, custody, checkpoint,
    // contents, pages, file.
    this.total = 2 + model.requirements.length + exceptions + model.evidence.length + (model.requests?.length ?? 0) + model.custody.length + 4;
  }

  /** A row of a long table: reported in batches. */
  row(): void {
    this.done++;
    if (++this.sinceReport >= ROW_BATCH) this.report();
  }

  step(count: number): void {
    this.done += count;
    this.report();
  }

  /** Lets the event loop run (a cancel, a progress message) between sections. */
  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  finish(): void {
    this.done = this.total;
    this.report();
  }

  private report(): void {
    this.sinceReport = 0;
    this.onProgress?.(Math.min(this.done, this.total), this.total);
  }
}

// ---------------------------------------------------------------------------------------------
// The report's sections

/** A line of the contents, clickable over `rect` (x1 y1 x2 y2). */
interface ContentsLink {
  sheet: Sheet;
  rect: [number, number, number, number];
  target: OutlineNode;
}

interface ContentsEntry {
  level: 0 | 1;
  node: OutlineNode;
}

class Report {
  private readonly requirementTitles: Map<string, string>;
  private readonly frameworkTitles: Map<string, string>;

  constructor(
    private readonly model: PacketModel,
    private readonly faces: Faces,
    private readonly cleaner: Cleaner,
    private readonly progress: Progress,
  ) {
    this.requirementTitles = new Map(model.requirements.map((r) => [r.requirementId, requirementHeading(r)]));
    this.frameworkTitles = new Map([...model.scope.frameworks, ...model.readiness.frameworks].map((f) => [f.id, f.title]));
  }

  /** The cover: one page, unless hostile text makes the scope list longer than a page. */
  cover(): Sheet[] {
    const { model } = this;
    const flow = new Flow(this.faces, this.cleaner);
    const sheet = flow.newPage();
    flow.section = 'Cover';
    let y = PAGE_HEIGHT - MARGIN - 40;
    sheet.text(LEFT, y, 'AUDIT PACKET REPORT', 'bold', 8.5, MUTED);
    y -= 30;
    // At most three lines of title; the table below gives the name in full.
    const title = flow.wrap(model.organisation, CONTENT_WIDTH, 'bold', 22);
    if (title.length > 3) title.splice(2, title.length - 2, fitted(title.slice(2).join(' '), CONTENT_WIDTH, this.faces.bold, 22));
    for (const line of title) {
      sheet.text(LEFT, y, line, 'bold', 22);
      y -= 27;
    }
    sheet.text(LEFT, y + 4, this.cleaner.clean(`Audit packet ${model.packetId}`), 'regular', 11, MUTED);
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
    this.progress.step(1);
    return flow.sheets;
  }

  async body(): Promise<{ sheets: Sheet[]; entries: ContentsEntry[]; outline: OutlineNode[] }> {
    const flow = new Flow(this.faces, this.cleaner);
    const readiness = this.readiness(flow);
    this.progress.step(1);
    await this.progress.yield();
    const requirements = flow.section1('Requirements');
    flow.paragraph(
      `For each requirement in scope: the people it applies to on ${this.model.scope.to}, their statuses, every exception ` +
        '(a status other than compliant or due soon) and the sample drawn for testing. Every person\u2019s status is in data/records/status.csv.',
      { color: MUTED },
    );
    for (const requirement of this.model.requirements) {
      requirements.children.push(this.requirement(flow, requirement));
      this.progress.step(1);
      await this.progress.yield();
    }
    const evidence = this.evidence(flow);
    await this.progress.yield();
    const requests = this.requests(flow);
    const custody = this.custody(flow);
    const checkpoint = this.checkpoint(flow);
    this.progress.step(1);
    const outline = [readiness, requirements, evidence, requests, custody, checkpoint];
    const entries: ContentsEntry[] = [];
    for (const node of outline) {
      entries.push({ level: 0, node });
      for (const child of node.children) entries.push({ level: 1, node: child });
    }
    return { sheets: flow.sheets, entries, outline };
  }

  private readiness(flow: Flow): OutlineNode {
    const node = flow.section1('Readiness summary');
    flow.paragraph(
      'The Audit Readiness Score (0\u2013100) is the sum of named components: each is the share of the (person, requirement) pairs ' +
        'it measures that meet it, times its weight. A component with nothing to measure earns no points.',
      { color: MUTED },
    );
    const { overall, frameworks } = this.model.readiness;
    node.children.push(this.score(flow, 'All frameworks in scope', overall, true));
    for (const framework of frameworks) node.children.push(this.score(flow, framework.title, framework.readiness, false));
    return node;
  }

  private score(flow: Flow, title: string, score: ReadinessScore, gaps: boolean): OutlineNode {
    const headline = score.score === null ? 'not scored (nothing in scope could be measured)' : `${num(score.score)} / 100`;
    const node = flow.section2(title, `Score: ${headline}`, 110);
    flow.table(
      {
        columns: [
          { header: 'Component', share: 0.34 },
          { header: 'Weight', share: 0.12, align: 'right' },
          { header: 'Value', share: 0.16, align: 'right' },
          { header: 'Contribution', share: 0.18, align: 'right' },
          { header: 'Met / measured', share: 0.2, align: 'right' },
        ],
      },
      [
        ...score.components.map((c) => ({
          cells: [
            c.label,
            String(c.weight),
            c.value === null ? 'not measured' : percent(c.value),
            c.contribution.toFixed(1),
            `${grouped(c.met)} / ${grouped(c.measured)}`,
          ],
        })),
        {
          cells: [
            { text: 'Score', font: 'bold' },
            { text: String(score.components.reduce((sum, c) => sum + c.weight, 0)), font: 'bold' },
            '',
            { text: score.score === null ? 'none' : score.score.toFixed(1), font: 'bold' },
            '',
          ],
        },
      ],
    );
    if (score.inGrace > 0) {
      flow.paragraph(`${grouped(score.inGrace)} (person, requirement) pairs are within onboarding grace and not yet measured.`, { color: MUTED });
    }
    if (gaps && score.gaps.length > 0) {
      flow.table(
        {
          caption: 'Gaps, costliest first',
          columns: [
            { header: 'Requirement', share: 0.5 },
            { header: 'Gap', share: 0.22 },
            { header: 'People', share: 0.13, align: 'right' },
            { header: 'Points', share: 0.15, align: 'right' },
          ],
        },
        score.gaps.map((gap) => ({
          cells: [
            gap.requirementId === null ? 'Audit log' : (this.requirementTitles.get(gap.requirementId) ?? gap.requirementId),
            GAP_LABELS[gap.kind],
            grouped(gap.people),
            gap.points.toFixed(1),
          ],
        })),
      );
    }
    return node;
  }

  private requirement(flow: Flow, requirement: PacketRequirement): OutlineNode {
    const framework = this.frameworkTitles.get(requirement.frameworkId) ?? requirement.frameworkId;
    const node = flow.section2(requirementHeading(requirement), `${framework} \u00b7 ${requirement.requirementId}`);
    const keyValue = {
      columns: [
        { header: '', share: 0.2 },
        { header: '', share: 0.8 },
      ],
      header: false,
      rules: false,
    };
    flow.table(keyValue, [kv('Population', `${grouped(requirement.population)} people the requirement applies to on ${this.model.scope.to}`)]);

    const statuses = COMPLIANCE_STATUSES.filter((status) => (requirement.counts[status] ?? 0) > 0);
    if (statuses.length > 0) {
      flow.table(
        {
          caption: 'Status counts',
          width: 0.42,
          columns: [
            { header: 'Status', share: 0.64 },
            { header: 'People', share: 0.36, align: 'right' },
          ],
        },
        statuses.map((status) => ({ cells: [STATUS_LABELS[status], grouped(requirement.counts[status] ?? 0)] })),
      );
    }

    const exceptions = requirement.exceptions;
    if (exceptions.length === 0) {
      flow.caption('Exceptions', 14);
      flow.paragraph(requirement.population === 0 ? 'None: nobody is in the population.' : 'None: every person in the population is compliant or due soon.', {
        color: MUTED,
      });
    } else {
      flow.table(
        {
          caption: `Exceptions (${grouped(exceptions.length)})`,
          columns: [
            { header: 'Person', share: 0.2 },
            { header: 'Unit', share: 0.28 },
            { header: 'Role', share: 0.2 },
            { header: 'Status', share: 0.18 },
            { header: 'Due on', share: 0.14 },
          ],
        },
        exceptions.map((row) => ({ cells: [row.person, orDash(row.unit), orDash(row.role), STATUS_LABELS[row.status], orDash(row.dueOn)] })),
        () => this.progress.row(),
      );
    }

    const { sample } = requirement;
    const capped = sample.picks.length < sample.asked ? ` (capped at the population of ${grouped(requirement.population)})` : '';
    flow.table({ ...keyValue, caption: 'Sample' }, [
      kv('Rule', `${describeRule(sample.rule)}: n = ${grouped(sample.asked)}`),
      kv('Asked / picked', `${grouped(sample.asked)} asked, ${grouped(sample.picks.length)} picked${capped}`),
      kv('People picked', sample.shown.length === 0 ? 'none' : sample.shown.join(', ')),
    ]);
    flow.space(6);
    return node;
  }

  private evidence(flow: Flow): OutlineNode {
    const node = flow.section1('Evidence index');
    const files = this.model.evidence;
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
      files.map((file, index) => this.evidenceRow(file, index)),
      () => this.progress.row(),
    );
    return node;
  }

  private evidenceRow(file: PacketEvidence, index: number): Row {
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

  private requests(flow: Flow): OutlineNode {
    const node = flow.section1('Requests');
    const requests = this.model.requests;
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
      requests.map((request) => this.requestRow(request)),
      () => this.progress.row(),
    );
    return node;
  }

  private requestRow(request: PacketRequest): Row {
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

  private custody(flow: Flow): OutlineNode {
    const node = flow.section1('Chain of custody');
    flow.paragraph(
      'Audit-log entries about what the packet holds (imports, reviews, redactions), oldest first. Each is proved to be in the log at ' +
        `the checkpoint below by ${PAYLOAD.proofs}.`,
      { color: MUTED },
    );
    if (this.model.custody.length === 0) {
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
      this.model.custody.map((entry) => ({ cells: [String(entry.seq), utc(entry.at, false), entry.actor, entry.action, orDash(entry.target), entry.summary] })),
      () => this.progress.row(),
    );
    return node;
  }

  private checkpoint(flow: Flow): OutlineNode {
    const { checkpoint, signer } = this.model;
    const node = flow.section1('Checkpoint and verification');
    flow.table(
      {
        caption: 'Audit-log checkpoint',
        columns: [
          { header: '', share: 0.24 },
          { header: '', share: 0.76 },
        ],
        header: false,
      },
      [
        kv('Log size', `${grouped(checkpoint.size)} entries`),
        kv('Merkle root (base64)', checkpoint.root),
        kv('Signed by', checkpoint.signer),
        kv('At', utc(checkpoint.at)),
      ],
    );
    flow.table(
      {
        caption: 'Packet signer',
        columns: [
          { header: '', share: 0.24 },
          { header: '', share: 0.76 },
        ],
        header: false,
      },
      [
        kv('Printed name', signer.printedName),
        kv('User name', signer.userName),
        kv('Key fingerprint', signer.fingerprint),
        kv('Public key', signer.publicKeyLine),
      ],
    );
    flow.caption('How to verify this packet', 60);
    flow.paragraph(
      `1. Check that the key fingerprint above is the one you were given out of band (ssh-keygen -l -f ${TAG_FILES.signerPub} prints it). ` +
        'Trust comes from that fingerprint, not from the copies of the key in the packet.',
    );
    flow.paragraph(`2. In the packet\u2019s top folder, check the signature over the tag manifest (namespace ${PACKET_NAMESPACE}):`);
    flow.command(
      `ssh-keygen -Y verify -f ${TAG_FILES.allowedSigners} -I ${signer.userName} -n ${PACKET_NAMESPACE} -s ${TAG_FILES.signature} < ${TAG_FILES.tagmanifest}`,
    );
    flow.paragraph('3. Then check every file against the manifests (SHA-256):');
    flow.command(`sha256sum -c ${TAG_FILES.tagmanifest} && sha256sum -c ${TAG_FILES.manifest256}`);
    flow.paragraph(
      `4. custodian packet verify <packet> does all of this and also checks the audit-log proofs in ${PAYLOAD.proofs} against the ` +
        'checkpoint above: that every chain-of-custody entry is in the log, and that the log at any earlier packet\u2019s checkpoint is a prefix of this one.',
    );
    return node;
  }

  /** The contents pages: laid out last, placed after the cover; page numbers filled in once known. */
  contents(entries: ContentsEntry[]): {
    sheets: Sheet[];
    node: OutlineNode;
    links: ContentsLink[];
    writePageNumbers: (pageOf: (sheet: Sheet) => number) => void;
  } {
    const flow = new Flow(this.faces, this.cleaner);
    const node = flow.section1('Contents');
    const numberWidth = 40;
    const slots: { sheet: Sheet; baseline: number; target: OutlineNode; font: FontKey }[] = [];
    const links: ContentsLink[] = [];
    for (const entry of entries) {
      const indent = entry.level === 0 ? 0 : 14;
      const font: FontKey = entry.level === 0 ? 'bold' : 'regular';
      const size = entry.level === 0 ? 10 : BODY_SIZE;
      const leading = entry.level === 0 ? 15 : 12;
      if (entry.level === 0 && flow.y < BODY_TOP - 40) flow.space(5);
      const hanging = 12;
      const lines = flow.wrap(entry.node.title, CONTENT_WIDTH - indent - hanging - numberWidth, font, size);
      lines.forEach((line, i) => {
        flow.ensure(leading);
        const baseline = baselineIn(flow.y, leading, size);
        const x = LEFT + indent + (i === 0 ? 0 : hanging);
        flow.sheet.text(x, baseline, line, font, size);
        if (i === lines.length - 1) {
          const start = x + this.faces[font].width(line, size) + 6;
          const dots = '.'.repeat(Math.max(0, Math.floor((RIGHT - numberWidth + 8 - start) / this.faces.regular.width('. ', size))));
          if (dots !== '') flow.sheet.text(start, baseline, dots.split('').join(' '), 'regular', size, MUTED);
          slots.push({ sheet: flow.sheet, baseline, target: entry.node, font });
        }
        links.push({ sheet: flow.sheet, rect: [LEFT + indent, flow.y - leading, RIGHT, flow.y], target: entry.node });
        flow.y -= leading;
      });
    }
    this.progress.step(1);
    return {
      sheets: flow.sheets,
      node,
      links,
      writePageNumbers: (pageOf) => {
        for (const slot of slots)
          slot.sheet.textRight(RIGHT, slot.baseline, String(pageOf(slot.target.sheet)), slot.font, slot.font === 'bold' ? 10 : BODY_SIZE);
      },
    };
  }
}

function kv(label: string, value: string): Row {
  return { cells: [{ text: label, font: 'bold', color: MUTED }, value] };
}

// ---------------------------------------------------------------------------------------------
// Writing the document: pages with header and footer, links, outline, metadata.

function writePages(doc: PDFDocument, sheets: Sheet[], faces: Faces, cleaner: Cleaner, model: PacketModel): Map<Sheet, PDFPage> {
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

/** Cleaned text cut to `width` with an ellipsis. */
function fitted(text: string, width: number, face: Face, size: number): string {
  if (face.width(text, size) <= width) return text;
  const room = width - face.width('\u2026', size);
  let out = '';
  let used = 0;
  for (const ch of text) {
    used += face.width(ch, size);
    if (used > room) break;
    out += ch;
  }
  return `${out.trimEnd()}\u2026`;
}

/** [page /XYZ null top null]: the heading's top, at the reader's current zoom. */
function destination(doc: PDFDocument, pages: Map<Sheet, PDFPage>, node: OutlineNode) {
  const page = pages.get(node.sheet);
  if (!page) throw new Error('A bookmark points at a page that was never written.');
  return doc.context.obj([page.ref, 'XYZ', null, Math.round(Math.min(node.y, PAGE_HEIGHT)), null]);
}

/** The contents lines as links to their headings. */
function writeLinks(doc: PDFDocument, links: ContentsLink[], pages: Map<Sheet, PDFPage>): void {
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
function writeOutline(doc: PDFDocument, nodes: OutlineNode[], pages: Map<Sheet, PDFPage>): void {
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

function writeMetadata(doc: PDFDocument, model: PacketModel): void {
  doc.setTitle(metadataText(`Audit packet ${model.packetId}`), { showInWindowTitleBar: true });
  doc.setAuthor(metadataText(model.signer.printedName));
  doc.setSubject(metadataText(`Audit packet report: ${model.organisation}, ${model.scope.from} to ${model.scope.to}`));
  doc.setCreator('Custodian');
  doc.setProducer('Custodian');
  doc.setLanguage('en');
  // From the model, never the clock: the same model gives the same bytes.
  const built = new Date(model.builtAt);
  if (!Number.isNaN(built.getTime())) {
    doc.setCreationDate(built);
    doc.setModificationDate(built);
  }
}
