import type { FontKey } from './face';
import { MUTED } from './pageLayout';

// What Flow.table draws: columns as shares of the table's width, rows of raw (uncleaned) cell
// text, and detail lines under a row's cells. Flow cleans and wraps every cell; a row never
// loses text, it grows taller.

export interface Column {
  header: string;
  /** Share of the content width; the shares of a table sum to 1. */
  share: number;
  align?: 'right';
}

export interface Cell {
  text: string;
  font?: FontKey;
  color?: string;
}

/** A line under a row's cells, spanning from column `detailFrom` to the right edge. */
export interface Detail {
  label: string;
  text: string;
  color?: string;
}

export interface Row {
  cells: (string | Cell)[];
  details?: Detail[];
}

export interface TableSpec {
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

/** A row of a two-column key-value table: the label bold and muted. */
export function kv(label: string, value: string): Row {
  return { cells: [{ text: label, font: 'bold', color: MUTED }, value] };
}
