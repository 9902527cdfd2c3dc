// Text from the vault may hold anything (controls, emoji, bidi overrides, lone surrogates). The
// report never throws over it: Cleaner makes a string drawable with the embedded fonts, and
// metadataText makes one fit for the document information dictionary and the bookmarks.

const REPLACEMENT = '?';
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const LINE_BREAKING = /[\t\n\v\f\r\x85\u2028\u2029]/;
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]$/u;

/** Makes any string drawable: whitespace controls become spaces, anything else unshowable `?`. */
export class Cleaner {
  private readonly supported: Set<number>;
  private readonly asciiFastPath: boolean;

  /** @param charsets the code points of each face; only those every face has are drawable. */
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
export function metadataText(text: string): string {
  return text.replace(/[\t\n\v\f\r\x85\u2028\u2029]/g, ' ').replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, REPLACEMENT);
}
