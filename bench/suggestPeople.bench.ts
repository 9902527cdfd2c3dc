import { performance } from 'node:perf_hooks';
import type { PageText } from '../src/core/redaction/pageText';
import { compileSuggester } from '../src/core/redaction/suggestRedactions';
import type { KnownPerson } from '../src/core/redaction/suggestRedactions';
import type { Figure } from './measure';

// Redaction suggestions from a vault's people (issue 14): 10,000 people (their names either
// way round, e-mails and employee ids: 40,000 phrases) looked for on 3 sign-in sheets of 40
// lines, each naming 10 of them. Against the same phrases as one compiled regex each (what the
// suggester did before it looked for a needle first), in the same run. Both times include
// preparing the patterns: a redaction or the viewer's suggestions pay it once per document.
// The baseline takes about 30 s a page here (V8 compiles each regex to code the first time it
// runs, and drops that code again under memory pressure), hence few pages;
// CUSTODIAN_BENCH_SUGGEST_PAGES sets how many.

const PEOPLE = 10_000;
const PAGES = Number(process.env.CUSTODIAN_BENCH_SUGGEST_PAGES ?? 3);

function people(): KnownPerson[] {
  return Array.from({ length: PEOPLE }, (_, i) => ({
    givenName: `Given${String(i)}`,
    familyName: `Family${String(i * 7919)}`,
    email: `staff${String(i)}@hospital.example`,
    employeeId: `EMP-${String(100000 + i)}`,
  }));
}

/** A sign-in sheet: 40 lines, every fourth naming a person of the vault, one box per character. */
function sheet(page: number, staff: readonly KnownPerson[]): PageText {
  const lines: string[] = [];
  for (let line = 0; line < 40; line++) {
    const person = staff[(page * 131 + line * 17) % staff.length];
    lines.push(
      line % 4 === 0 && person
        ? `${String(line + 1)}. ${person.givenName} ${person.familyName}  ${person.employeeId}  signed 2026-03-0${String(1 + (line % 9))}`
        : `${String(line + 1)}. Visitor ${String(page * 40 + line)}  fire safety refresher  room B${String(line)}`,
    );
  }
  const text = lines.join('\n');
  return {
    page,
    text,
    boxes: Array.from(text, (char, i) => (char === '\n' ? null : { page, x: (i % 90) * 6, y: 780 - Math.floor(i / 90) * 12, width: 6, height: 10 })),
  };
}

function timeSuggestions(make: () => (text: PageText) => unknown[], pages: readonly PageText[]): { seconds: number; found: number } {
  const start = performance.now();
  const suggest = make();
  let found = 0;
  for (const page of pages) found += suggest(page).length;
  return { seconds: (performance.now() - start) / 1000, found };
}

export function benchSuggestPeople(): Promise<Figure[]> {
  const staff = people();
  const pages = Array.from({ length: PAGES }, (_, page) => sheet(page + 1, staff));
  const phrases = staff.flatMap((p) => [`${p.givenName} ${p.familyName}`, `${p.familyName}, ${p.givenName}`, p.email ?? '', p.employeeId]);
  const baseline = timeSuggestions(() => compileSuggester({ pii: false, terms: phrases }), pages);
  const ours = timeSuggestions(() => compileSuggester({ pii: false, people: staff }), pages);
  if (ours.found !== baseline.found) throw new Error(`found ${String(ours.found)} suggestions, the baseline ${String(baseline.found)}`);
  return Promise.resolve([
    {
      name: `suggestions from a vault of ${String(PEOPLE)} people on ${String(PAGES)} sign-in sheets, patterns prepared once (${String(ours.found)} found)`,
      value: ours.seconds,
      unit: 's',
      baseline: { name: 'the same phrases, one compiled regex each, over the same pages', value: baseline.seconds, unit: 's' },
    },
  ]);
}
