import { describe, expect, it } from 'vitest';
import { decideDateOrder, fromExcelSerial, parseDateCell, parseDateFormatFlag } from './parseDate';

describe('parseDateCell', () => {
  it.each([
    ['2025-03-04', '2025-03-04'],
    ['2025-03-04T14:15:00', '2025-03-04'],
    ['2025-03-04T23:30:00-05:00', '2025-03-05'],
    ['2025-03-04T00:30:00+02:00', '2025-03-03'],
    ['2025-03-04 10:00:00Z', '2025-03-04'],
    ['Tuesday, 4 March 2025, 2:15 PM', '2025-03-04'],
    ['4 March 2025', '2025-03-04'],
    ['4th Sept 2025', '2025-09-04'],
    ['March 4, 2025', '2025-03-04'],
    ['Tue, Mar 4, 2025 2:15 PM', '2025-03-04'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %s as %s', (text, expected) => {
    expect(parseDateCell(text, null)).toEqual({ ok: true, value: expected });
  });

  it('reads Excel serials and date cells', () => {
    expect(fromExcelSerial(45720)).toBe('2025-03-04');
    expect(parseDateCell(45720, null)).toEqual({ ok: true, value: '2025-03-04' });
    expect(parseDateCell('45720', null)).toEqual({ ok: true, value: '2025-03-04' });
    expect(parseDateCell(new Date(Date.UTC(2025, 2, 4)), null)).toEqual({ ok: true, value: '2025-03-04' });
  });

  it('reads slash dates in the column order, and refuses ambiguity without one', () => {
    expect(parseDateCell('04/03/2025', 'dmy')).toEqual({ ok: true, value: '2025-03-04' });
    expect(parseDateCell('04/03/2025', 'mdy')).toEqual({ ok: true, value: '2025-04-03' });
    expect(parseDateCell('13/03/2025', null)).toEqual({ ok: true, value: '2025-03-13' });
    expect(parseDateCell('04/03/2025', null)).toMatchObject({ ok: false, reason: expect.stringMatching(/ambiguous/) as unknown });
    expect(parseDateCell('31/02/2025', 'dmy')).toMatchObject({ ok: false });
  });

  it.each(['2025-02-29', 'yesterday', '2025-13-01', 'true'])('refuses %s', (text) => {
    expect(parseDateCell(text, 'dmy').ok).toBe(false);
  });

  it('treats empty as absent', () => {
    expect(parseDateCell('', null)).toEqual({ ok: true });
    expect(parseDateCell(null, null)).toEqual({ ok: true });
  });
});

describe('decideDateOrder', () => {
  it('decides from the whole column', () => {
    expect(decideDateOrder(['01/02/2025', '13/02/2025'])).toBe('dmy');
    expect(decideDateOrder(['01/02/2025', '02/13/2025'])).toBe('mdy');
    expect(decideDateOrder(['01/02/2025', '02/03/2025'])).toBe('ambiguous');
    expect(decideDateOrder(['13/02/2025', '02/13/2025'])).toBe('conflict');
    expect(decideDateOrder(['2025-01-02'])).toBeNull();
  });

  it('parses --date-format', () => {
    expect(parseDateFormatFlag('dd/mm/yyyy')).toBe('dmy');
    expect(parseDateFormatFlag('MM-DD-YYYY')).toBe('mdy');
    expect(() => parseDateFormatFlag('yyyy/mm/dd')).toThrow();
  });
});
