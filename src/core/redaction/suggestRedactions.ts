import type { RedactionBox, RedactionSuggestion, SuggestionKind } from '../../shared/redaction/redactionTypes';
import type { PageText } from './pageText';
import { unionBoxes } from './pageText';

/** A person of the vault, as the suggester looks for them on a page (never logged). */
export interface KnownPerson {
  givenName: string;
  familyName: string;
  email: string | null;
  employeeId: string;
}

export interface SuggestOptions {
  /** Look for the PII patterns (SSN, e-mail, phone, dates of birth, MRNs, street addresses). */
  pii: boolean;
  /** Every person of the vault: their names, e-mails and employee ids are suggested. */
  people?: readonly KnownPerson[];
  /** Literal terms, every occurrence, case-insensitive. */
  terms?: readonly string[];
}

interface Pattern {
  kind: SuggestionKind;
  why: string;
  regex: RegExp;
  /** The capture group to box (default: the whole match). */
  group?: number;
  accept?: (match: RegExpMatchArray) => boolean;
}

/**
 * A pattern of a person's (one of thousands a vault gives): its regex is compiled only for a
 * page whose `needleText` holds its needle. Compiling 40,000 (10,000 people) took 7 s, and running each
 * the first time (V8 compiles a regex to code then) 25 s more on the first page.
 */
class PersonPattern {
  private compiled: RegExp | null = null;
  /** Folded text (see needleText) every match of the regex contains; empty when none is known (the regex always runs). */
  readonly needle: string;

  constructor(
    readonly kind: SuggestionKind,
    readonly why: string,
    private readonly source: string,
    text: string,
  ) {
    this.needle = needleOf(text);
  }

  get regex(): RegExp {
    this.compiled ??= new RegExp(this.source, 'giu');
    return this.compiled;
  }
}

/**
 * The page text as the needle test sees it: whitespace (JavaScript's \s) removed, printable
 * ASCII lower-cased, KELVIN SIGN as "k" and LONG S as "s" (the only characters that a
 * case-insensitive Unicode regex matches to ASCII ones), every other character a NUL. A match of
 * a phrase (phrase(): case-insensitive, whitespace between and within words) is, folded so, the
 * phrase folded so: its needle, the longest NUL-free part of that, is in the folded page.
 */
export function needleText(text: string): string {
  let folded = '';
  for (const char of text) {
    if (/\s/u.test(char)) continue;
    const code = char.codePointAt(0) ?? 0;
    folded += code >= 0x21 && code <= 0x7e ? char.toLowerCase() : code === 0x212a ? 'k' : code === 0x17f ? 's' : '\u0000';
  }
  return folded;
}

/** The longest NUL-free run of a phrase's folded text (see needleText). */
function needleOf(text: string): string {
  return needleText(text)
    .split('\u0000')
    .reduce((longest, part) => (part.length > longest.length ? part : longest), '');
}

const DATE =
  String.raw`(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|` +
  String.raw`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?\s+\d{1,2},?\s+\d{4}|` +
  String.raw`\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?\s+\d{4})`;

/**
 * A US SSN is AAA-GG-SSSS; never issued: area 000, 666 or 900–999, group 00, serial 0000.
 * Nine digits in a row count only after "SSN" (otherwise every account number would).
 */
function validSsn(match: RegExpMatchArray): boolean {
  const area = Number(match[2]);
  return area !== 0 && area !== 666 && area < 900 && match[3] !== '00' && match[4] !== '0000';
}

const PATTERNS: readonly Pattern[] = [
  { kind: 'ssn', why: 'US Social Security number pattern', regex: /(?<![\d-])((\d{3})[- ](\d{2})[- ](\d{4}))(?![\d-])/g, group: 1, accept: validSsn },
  {
    kind: 'ssn',
    why: 'nine digits after "SSN"',
    regex: /\b(?:SSN|social security(?: number| no\.?)?)\s*[:#]?\s*((\d{3})(\d{2})(\d{4}))(?!\d)/gi,
    group: 1,
    accept: validSsn,
  },
  // OCR often reads "jane.doe@ example.org": one space either side of the @ is allowed. Every
  // quantifier here is bounded: a page-long run of letters must not cost quadratic time.
  { kind: 'email', why: 'e-mail address', regex: /[A-Za-z0-9._%+-]{1,64} ?@ ?[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g },
  {
    kind: 'phone',
    why: 'telephone number',
    regex: /(?<![\w-])(?:(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}|\+\d{1,3}(?:[\s.-]?\d){7,12})(?![\w-])/g,
  },
  {
    kind: 'dob',
    why: 'date next to "date of birth"',
    regex: new RegExp(String.raw`\b(?:DOB|D\.O\.B\.?|date of birth|birth\s?date|born(?: on)?)\s*[:#-]?\s*(${DATE})`, 'gi'),
    group: 1,
  },
  {
    kind: 'mrn',
    why: 'medical record number',
    regex: /\b(?:MRN|medical record (?:number|no\.?|#)|patient (?:id|number|no\.?))\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{4,19})\b/gi,
    group: 1,
  },
  {
    kind: 'address',
    why: 'street address',
    regex:
      /\b\d{1,6}\s+(?:[A-Z][A-Za-z.'-]{0,30}\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq)\b\.?/g,
  },
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * A literal phrase, case-insensitive, not inside a longer word; any run of spaces between its
 * words, and one optional space between the characters of a word (letter-spaced text reads as
 * "S E C R E T" in a text layer).
 */
function phrase(words: string): RegExp {
  return new RegExp(phraseSource(words), 'giu');
}

/** The regex source of `phrase(words)`. */
function phraseSource(words: string): string {
  return notInsideAWord(phraseBody(words));
}

/** `body` as a regex source that matches only where no letter or digit comes right before or after it. */
function notInsideAWord(body: string): string {
  return String.raw`(?<![\p{L}\p{N}])${body}(?![\p{L}\p{N}])`;
}

function phraseBody(words: string): string {
  const word = (w: string): string => Array.from(w, escape).join(String.raw`\s?`);
  return words
    .trim()
    .split(/\s+/)
    .map(word)
    .join(String.raw`\s+`);
}

function personPatterns(people: readonly KnownPerson[]): PersonPattern[] {
  const patterns: PersonPattern[] = [];
  const name = 'name of a person in this vault';
  for (const person of people) {
    const given = person.givenName.trim();
    const family = person.familyName.trim();
    if (given && family) {
      patterns.push(new PersonPattern('person', name, phraseSource(`${given} ${family}`), `${given} ${family}`));
      patterns.push(new PersonPattern('person', name, notInsideAWord(String.raw`${phraseBody(family)},\s*${phraseBody(given)}`), `${family},${given}`));
    }
    if (person.email) patterns.push(new PersonPattern('person', 'e-mail of a person in this vault', phraseSource(person.email), person.email));
    // Employee ids shorter than 4 characters ("7") would match page numbers and dates.
    if (person.employeeId.trim().length >= 4)
      patterns.push(new PersonPattern('person', 'employee id of a person in this vault', phraseSource(person.employeeId), person.employeeId));
  }
  return patterns;
}

export type Suggester = (text: PageText, source?: 'text' | 'ocr') => RedactionSuggestion[];

/**
 * Prepares the patterns once for every page of a document (a vault of 10,000 people gives 40,000,
 * each compiled only when a page holds its needle: see PersonPattern). Each page's suggestions come with their boxes and why they were suggested.
 * Overlapping matches of different patterns are all kept (the officer sees every reason);
 * identical boxes of the same kind once.
 */
export function compileSuggester(options: SuggestOptions): Suggester {
  const pii = options.pii ? PATTERNS : [];
  const people = personPatterns(options.people ?? []);
  const terms: Pattern[] = (options.terms ?? [])
    .filter((term) => term.trim())
    .map((term) => ({ kind: 'term', why: `the term asked for`, regex: phrase(term) }));
  return (text, source = 'text') => {
    // A person's patterns run only on a page holding their needle (most pages hold a few people).
    const folded = people.length > 0 ? needleText(text.text) : '';
    return suggestWith([...pii, ...people.filter((p) => folded.includes(p.needle)), ...terms], text, source);
  };
}

/** Suggestions for one page (compileSuggester, for one page only). */
export function suggestRedactions(text: PageText, options: SuggestOptions, source: 'text' | 'ocr' = 'text'): RedactionSuggestion[] {
  return compileSuggester(options)(text, source);
}

function suggestWith(patterns: readonly Pattern[], text: PageText, source: 'text' | 'ocr'): RedactionSuggestion[] {
  const seen = new Set<string>();
  const suggestions: RedactionSuggestion[] = [];
  for (const pattern of patterns) {
    for (const match of text.text.matchAll(pattern.regex)) {
      if (pattern.accept && !pattern.accept(match)) continue;
      const group = pattern.group ?? 0;
      const matched = match[group];
      if (!matched) continue;
      const start = match.index + (group === 0 ? 0 : match[0].indexOf(matched));
      const boxes = boxesOf(text, start, start + matched.length);
      if (boxes.length === 0) continue;
      const key = `${pattern.kind}:${start}:${matched.length}`;
      if (seen.has(key)) continue;
      seen.add(key);
      suggestions.push({ kind: pattern.kind, text: matched.replace(/\s+/g, ' '), why: pattern.why, source, boxes });
    }
  }
  return suggestions;
}

/** The boxes of text[start, end), one per line. */
export function boxesOf(text: PageText, start: number, end: number): RedactionBox[] {
  return unionBoxes(text.boxes.slice(start, end).filter((b): b is RedactionBox => b !== null));
}

/** How far, in points, a box may stick out of another and still count as within it. */
const SLACK = 0.5;

const within = (inner: RedactionBox, outer: RedactionBox): boolean =>
  inner.page === outer.page &&
  inner.x >= outer.x - SLACK &&
  inner.y >= outer.y - SLACK &&
  inner.x + inner.width <= outer.x + outer.width + SLACK &&
  inner.y + inner.height <= outer.y + outer.height + SLACK;

/** Grid cells, in points, that `CoveringBoxes` files boxes under. */
const CELL = 64;
/** A box touching more cells than this (a page-sized box on a huge page) is checked for every lookup instead. */
const MOST_CELLS = 4096;

/**
 * Boxes, looked up by whether one contains a given box (`within`, with its slack). Each box is
 * filed under every grid cell it touches, widened by the slack; a box that contains another
 * contains its centre, so only the boxes filed under that centre's cell are compared. (Comparing
 * every pair made a page with 16,000 matches take 0.5 s.)
 */
export class CoveringBoxes {
  private readonly cells = new Map<string, RedactionBox[]>();
  private readonly large: RedactionBox[] = [];

  constructor(boxes: readonly RedactionBox[]) {
    for (const box of boxes) {
      const [x0, x1] = [Math.floor((box.x - SLACK) / CELL), Math.floor((box.x + box.width + SLACK) / CELL)];
      const [y0, y1] = [Math.floor((box.y - SLACK) / CELL), Math.floor((box.y + box.height + SLACK) / CELL)];
      const count = (x1 - x0 + 1) * (y1 - y0 + 1);
      if (!(count <= MOST_CELLS)) {
        this.large.push(box); // also NaN and infinite boxes: compared every time, never lost
        continue;
      }
      for (let x = x0; x <= x1; x++) {
        for (let y = y0; y <= y1; y++) {
          const key = `${String(box.page)}:${String(x)}:${String(y)}`;
          const cell = this.cells.get(key);
          if (cell) cell.push(box);
          else this.cells.set(key, [box]);
        }
      }
    }
  }

  /** Whether some box contains `inner`. */
  contain(inner: RedactionBox): boolean {
    const key = `${String(inner.page)}:${String(Math.floor((inner.x + inner.width / 2) / CELL))}:${String(Math.floor((inner.y + inner.height / 2) / CELL))}`;
    return (this.cells.get(key) ?? []).some((c) => within(inner, c)) || this.large.some((c) => within(inner, c));
  }
}

/**
 * A page's suggestions from its text layer (`text`, its boxes widened to the drawn glyphs by
 * placeDrawn), plus those found only in the text as the canvas drew it (`drawn`, see drawnText):
 * a match there with ink outside every box of the text layer's matches is text the text layer
 * misplaced or left out, and is suggested too (the same kind, saying so).
 */
export function suggestPage(suggest: Suggester, text: PageText, drawn: PageText): RedactionSuggestion[] {
  const fromText = suggest(text, 'text');
  const covered = new CoveringBoxes(fromText.flatMap((s) => s.boxes));
  const fromDrawn = suggest(drawn, 'text')
    .filter((s) => !s.boxes.every((b) => covered.contain(b)))
    .map((s) => ({ ...s, why: `${s.why} (drawn on the page where its text layer does not say)` }));
  return [...fromText, ...fromDrawn];
}
