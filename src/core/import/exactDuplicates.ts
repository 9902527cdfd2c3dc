/**
 * Rows that repeat an earlier row of the same file in every value: the same record, imported
 * once. Counted, and the first 20 named (with the row each repeats) in the import's notes.
 */
export class ExactDuplicates {
  count = 0;
  readonly rows: { row: number; of: number }[] = [];

  add(row: number, of: number): void {
    this.count++;
    if (this.rows.length < 20) this.rows.push({ row, of });
  }

  /** The note for the import's warnings, or null when there were none. */
  note(): string | null {
    if (this.count === 0) return null;
    const named = this.rows.map((d) => `row ${String(d.row)} (= row ${String(d.of)})`).join(', ');
    const more = this.count - this.rows.length;
    return `${String(this.count)} row(s) repeat an earlier row exactly and were imported once: ${named}${more > 0 ? ` and ${String(more)} more` : ''}.`;
  }
}
