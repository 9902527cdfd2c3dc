/**
 * Turns what a user types into a safe FTS5 query: each word (letters and digits only) becomes a
 * quoted prefix term, all required. Returns null when nothing searchable remains.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, 8);
  return words.length ? words.map((word) => `"${word}"*`).join(' AND ') : null;
}
