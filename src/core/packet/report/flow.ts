import type { Cleaner } from './cleaner';
import type { Faces, FontKey } from './face';
import type { OutlineNode } from './outline';
import {
  BODY_BOTTOM,
  BODY_LEADING,
  BODY_SIZE,
  BODY_TOP,
  CELL_PAD_X,
  CELL_PAD_Y,
  CODE_FILL,
  CONTENT_WIDTH,
  HEADER_FILL,
  INK,
  LEFT,
  MUTED,
  RIGHT,
  SMALL_SIZE,
  STRONG_RULE,
  TABLE_LEADING,
  TABLE_SIZE,
  baselineIn,
} from './pageLayout';
import { Sheet } from './sheet';
import type { Row, TableSpec } from './tableSpec';

// Flowing layout: headings, paragraphs, commands and tables laid down a cursor (`y`) that starts
// a new page when the next piece does not fit above the bottom margin. Text given here is raw:
// Flow cleans it (Cleaner) and wraps it, so nothing is cut and nothing unshowable is drawn. The
// pages are Sheets, in order; drawing order is fixed by the calls, so the same calls give the
// same bytes.

interface Segment {
  /** Offset from the block's left edge. */
  x: number;
  text: string;
  font: FontKey;
  color: string;
}
/** One line of a table row: a segment per column that still has text on this line. */
type Line = Segment[];

export class Flow {
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
