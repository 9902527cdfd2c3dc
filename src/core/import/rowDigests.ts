/**
 * A 64-bit digest of each file row's values (two 32-bit FNV-1a hashes with different seeds), by
 * row number: 8 bytes a row, so a million-row import holds 8 MB. It lets a completions import
 * tell a row that repeats an earlier one exactly from one that contradicts it, however far
 * apart they are, in bulk mode (whose keys in memory hold only row numbers) as in index mode.
 * Two different rows share a digest with a probability of about 2^-64.
 */
export class RowDigests {
  private digests = new Uint32Array(2 * 1024);

  set(row: number, text: string): void {
    while (2 * row + 1 >= this.digests.length) {
      const grown = new Uint32Array(this.digests.length * 2);
      grown.set(this.digests);
      this.digests = grown;
    }
    const [a, b] = digest(text);
    this.digests[2 * row] = a;
    this.digests[2 * row + 1] = b;
  }

  /** Whether `row` was recorded with the same text's digest (false for a row never recorded). */
  same(row: number, text: string): boolean {
    if (2 * row + 1 >= this.digests.length) return false;
    const [a, b] = digest(text);
    return this.digests[2 * row] === a && this.digests[2 * row + 1] === b && (a !== 0 || b !== 0);
  }
}

function digest(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  // Never 0,0: that marks a row not recorded.
  return [a >>> 0 || 1, b >>> 0];
}
