/** The delimiters we recognise, in order of preference when the evidence ties. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const MAX_LINES = 50;

/**
 * Splits the start of a CSV into logical lines, honouring quotes (a quoted field may hold a
 * newline), and counts each candidate delimiter outside quotes. When `complete` is false the
 * last line may be cut short by the sample's end, so it is dropped.
 */
function countPerLine(sample: string, complete: boolean): Map<Delimiter, number>[] {
  const lines: Map<Delimiter, number>[] = [];
  let counts = new Map<Delimiter, number>();
  let blank = true;
  let inQuotes = false;
  for (let i = 0; i < sample.length && lines.length < MAX_LINES; i++) {
    const char = sample[i];
    if (char === '"') {
      inQuotes = !inQuotes; // an escaped "" toggles twice
      blank = false;
    } else if (!inQuotes && (char === '\n' || char === '\r')) {
      if (!blank) lines.push(counts);
      counts = new Map();
      blank = true;
    } else if (!inQuotes) {
      const delimiter = DELIMITERS.find((candidate) => candidate === char);
      if (delimiter !== undefined) counts.set(delimiter, (counts.get(delimiter) ?? 0) + 1);
      if (char !== ' ') blank = false;
    }
  }
  if (complete && !blank && lines.length < MAX_LINES) lines.push(counts);
  if (!complete && lines.length === 0 && !blank) lines.push(counts);
  return lines;
}

/**
 * Guesses the delimiter from the start of a CSV: the candidate that appears in the header line
 * and then the same number of times on the most lines; ties go to the larger count, then to
 * the order of DELIMITERS. A file with none of them is one column, read with ','.
 */
export function sniffDelimiter(sample: string, complete: boolean): Delimiter {
  const lines = countPerLine(sample, complete);
  const header = lines[0];
  if (header === undefined) return ',';
  let best: { delimiter: Delimiter; agreeing: number; count: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const count = header.get(delimiter) ?? 0;
    if (count === 0) continue;
    const agreeing = lines.filter((line) => (line.get(delimiter) ?? 0) === count).length;
    if (best === null || agreeing > best.agreeing || (agreeing === best.agreeing && count > best.count)) {
      best = { delimiter, agreeing, count };
    }
  }
  return best?.delimiter ?? ',';
}
