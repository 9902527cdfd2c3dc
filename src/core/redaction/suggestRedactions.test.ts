import { describe, expect, it } from 'vitest';
import type { PageText } from './pageText';
import { compileSuggester, CoveringBoxes, needleText, suggestRedactions } from './suggestRedactions';
import type { KnownPerson } from './suggestRedactions';

/** A one-line page: each character a 5 × 10 box, side by side. */
function line(text: string): PageText {
  return { page: 1, text, boxes: Array.from({ length: text.length }, (_, i) => ({ page: 1, x: i * 5, y: 0, width: 5, height: 10 })) };
}
const found = (text: string, people?: KnownPerson[], terms?: string[]): string[] =>
  suggestRedactions(line(text), { pii: true, people, terms }).map((s) => `${s.kind}:${s.text}`);

describe('PII patterns', () => {
  it('finds US SSNs and rejects numbers never issued: area 000, 666, 900–999; group 00; serial 0000', () => {
    expect(found('SSN 123-45-6789 and 078 05 1120')).toEqual(['ssn:123-45-6789', 'ssn:078 05 1120']);
    for (const never of ['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '123-00-4567', '123-45-0000'])
      expect(found(`id ${never}`), never).toEqual([]);
    // Nine digits in a row are an SSN only after "SSN" (otherwise every account number would be).
    expect(found('account 123456789')).toEqual([]);
    expect(found('SSN: 123456789')).toEqual(['ssn:123456789']);
    expect(found('SSN: 666456789')).toEqual([]);
    // Part of a longer number is not an SSN.
    expect(found('ref 1123-45-67890')).toEqual([]);
  });

  it('finds e-mails, phone numbers, dates of birth, MRNs and street addresses, each saying why', () => {
    const suggestions = suggestRedactions(
      line('jane.doe@example.org (555) 123-4567 +44 20 7946 0958 DOB: 04/12/1980 born on March 3, 1975 MRN: A-0012345 lives at 12 Main Street'),
      { pii: true },
    );
    expect(suggestions.map((s) => `${s.kind}:${s.text}`)).toEqual([
      'email:jane.doe@example.org',
      'phone:(555) 123-4567',
      'phone:+44 20 7946 0958',
      'dob:04/12/1980',
      'dob:March 3, 1975',
      'mrn:A-0012345',
      'address:12 Main Street',
    ]);
    expect(suggestions.find((s) => s.kind === 'dob')?.why).toBe('date next to "date of birth"');
    // A date without "DOB" near it is not a date of birth.
    expect(found('completed 04/12/2024')).toEqual([]);
    // As OCR reads an address: a space after the @.
    expect(found('write to jane.doe@ example.org')).toEqual(['email:jane.doe@ example.org']);
  });

  it("finds the vault's people by full name (either order), e-mail and employee id, not by a first name alone", () => {
    const people = [
      { givenName: 'Mary', familyName: 'Seacole', email: 'mseacole@clinic.example', employeeId: 'N-1001' },
      { givenName: 'Al', familyName: 'Bo', email: null, employeeId: '7' },
    ];
    expect(found('Signed: Mary Seacole, SEACOLE, MARY; mseacole@clinic.example; badge N-1001', people)).toEqual([
      'email:mseacole@clinic.example',
      'person:Mary Seacole',
      'person:SEACOLE, MARY',
      'person:mseacole@clinic.example',
      'person:N-1001',
    ]);
    expect(found('Mary went home; Maryland; page 7', people)).toEqual([]);
    expect(found('Mary  Seacole across two spaces', people)).toEqual(['person:Mary Seacole']);
  });

  it("finds a large vault's people however the page writes them: case, letter spacing, odd whitespace, KELVIN SIGN and LONG S, accents", () => {
    // 2,000 people, each regex compiled only for a page holding its needle: the needle test must
    // never drop a person the regex would have found.
    let seed = 11;
    const random = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const syllables = ['ka', 'so', 'mé', 'lin', 'sk', 'ør', 'ta', 'ke', 'sa', 'ñu', 'dre', 'ß', 'ys'];
    const name = () => {
      const word = Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
      return word.charAt(0).toUpperCase() + word.slice(1);
    };
    const people = Array.from({ length: 2000 }, (_, i) => ({
      givenName: name(),
      familyName: name(),
      email: `staff${String(i)}@site.example`,
      employeeId: `K-${String(4000 + i)}`,
    }));
    const spaces = [' ', '  ', '\u00a0', '\u2003', '\n', '\t'];
    /** How a page might show a phrase: cases flipped, a letter spaced out, K and s as their odd twins, odd whitespace. */
    const variant = (text: string): string =>
      text
        .split(' ')
        .map((word) =>
          Array.from(word, (char) => {
            let out = random() < 0.5 ? char.toUpperCase() : char.toLowerCase();
            if (out.length !== 1) out = char; // ß upper-cases to SS, which a case-insensitive regex does not match
            if (/k/iu.test(char) && random() < 0.3) out = '\u212a';
            if (/s/iu.test(char) && char !== 'ß' && random() < 0.3) out = '\u017f';
            return out;
          }).join(random() < 0.2 ? ' ' : ''),
        )
        .join(pick(spaces));
    const suggest = compileSuggester({ pii: false, people });
    for (let page = 0; page < 20; page++) {
      const planted = Array.from({ length: 6 }, () => pick(people));
      const shown = planted.map((person) => {
        const form = Math.floor(random() * 4);
        if (form === 0) return `${variant(person.givenName)}${pick(spaces)}${variant(person.familyName)}`;
        if (form === 1) return `${variant(person.familyName)},${pick(['', ...spaces])}${variant(person.givenName)}`;
        // A letter-spaced e-mail or id is still one run of \s? gaps: keep those to case and twins only.
        return variant(form === 2 ? person.email : person.employeeId).replace(/\s/gu, '');
      });
      const text = `Sign-in sheet: ${shown.join(' ; ')} ; end`;
      const suggested = suggest(line(text)).map((s) => s.text);
      for (const form of shown) expect(suggested, `page ${String(page)}: ${JSON.stringify(form)}`).toContain(form.replace(/\s+/gu, ' '));
      expect(suggested.length).toBeGreaterThanOrEqual(shown.length);
    }
  });

  it('folds for needles as the regex engine folds: only KELVIN SIGN and LONG S match printable ASCII case-insensitively', () => {
    // needleText's argument rests on this; a Unicode update that folds more to ASCII must fail here.
    const ascii = /[\x21-\x7e]/iu;
    const foldsToAscii: string[] = [];
    for (let code = 0x80; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      if (ascii.test(String.fromCodePoint(code))) foldsToAscii.push(code.toString(16));
    }
    expect(foldsToAscii).toEqual(['17f', '212a']);
    expect(needleText('\u212aelvin \u017fmith')).toBe('kelvinsmith');
  });

  it('finds asked-for terms, case-insensitive, whole words only', () => {
    expect(found('Project Nightingale; nightingale ward; Nightingales', undefined, ['Nightingale'])).toEqual(['term:Nightingale', 'term:nightingale']);
  });

  it('gives one box per line a match spans', () => {
    const text: PageText = {
      page: 1,
      text: '12 Main\nStreet',
      boxes: Array.from('12 Main\nStreet', (c, i) => (c === '\n' ? null : { page: 1, x: (i % 8) * 5, y: i < 8 ? 100 : 80, width: 5, height: 10 })),
    };
    const [suggestion] = suggestRedactions(text, { pii: true });
    expect(suggestion?.kind).toBe('address');
    expect(suggestion?.boxes).toHaveLength(2);
  });
});

describe('CoveringBoxes', () => {
  it('answers exactly as comparing every pair does, for random boxes across cells, pages, negative coordinates and page-sized boxes', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const box = (size: number) => ({
      page: 1 + Math.floor(random() * 2),
      x: random() * 700 - 100,
      y: random() * 900 - 100,
      width: random() * size,
      height: random() * size,
    });
    const outers = [
      ...Array.from({ length: 300 }, () => box(80)),
      { page: 1, x: -1e6, y: -1e6, width: 2e6, height: 10 },
      { page: 2, x: 10, y: 10, width: 600, height: 780 },
    ];
    const covering = new CoveringBoxes(outers);
    const within = (inner: ReturnType<typeof box>, outer: ReturnType<typeof box>) =>
      inner.page === outer.page &&
      inner.x >= outer.x - 0.5 &&
      inner.y >= outer.y - 0.5 &&
      inner.x + inner.width <= outer.x + outer.width + 0.5 &&
      inner.y + inner.height <= outer.y + outer.height + 0.5;
    // Inner boxes: random ones, and ones cut from inside (or just past the slack of) an outer box.
    const inners = [
      ...Array.from({ length: 2000 }, () => box(20)),
      ...outers.flatMap((o) => {
        const x = o.x + random() * o.width;
        const y = o.y + random() * o.height;
        const inside = { page: o.page, x, y, width: (o.x + o.width - x) * random(), height: (o.y + o.height - y) * random() };
        return [inside, { ...inside, x: o.x - 0.49 }, { ...inside, x: o.x - 0.51 }];
      }),
    ];
    let contained = 0;
    for (const inner of inners) {
      const expected = outers.some((o) => within(inner, o));
      if (expected) contained++;
      expect(covering.contain(inner), JSON.stringify(inner)).toBe(expected);
    }
    // The random boxes exercise both answers.
    expect(contained).toBeGreaterThan(300);
    expect(contained).toBeLessThan(inners.length - 300);
  });
});
