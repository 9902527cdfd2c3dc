import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { richPdf } from '../support/pdfFixtures';
import { tempDir } from '../support/tempVault';

// `custodian redact` as an officer scripts it: the built bin, real files, poppler as the judge.

const PASSPHRASE = 'correct horse battery staple orbit';
const temp = tempDir('custodian-redact-cli-');
afterAll(() => temp.cleanup());
const path = (name: string): string => join(temp.dir, name);

function custodian(args: string[]) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const pdftotext = (file: string): string => spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;

interface RedactJson {
  output: string;
  format: string;
  reason: string | null;
  pages: {
    page: number;
    dpi: number;
    boxes: { x: number; y: number; width: number; height: number }[];
    suggestions: { kind: string; text: string; why: string }[];
    notes: string[];
  }[];
  notes: string[];
}

beforeAll(async () => {
  writeFileSync(
    path('sheet.pdf'),
    await richPdf([
      [
        { text: 'Sign-in: Infection control', x: 72, y: 700 },
        { text: 'Clara Barton  badge N-2002  SSN 219-09-9999', x: 72, y: 670 },
        { text: 'Visitor Walt Whitman', x: 72, y: 640 },
      ],
      [{ text: 'Second page, kept as it is', x: 72, y: 700 }],
    ]),
  );
  expect(custodian(['init', path('v.custodian'), '--user', 'alice', '--kdf', 'minimum']).code).toBe(0);
  writeFileSync(path('roster.csv'), 'Employee ID,First Name,Last Name,Department,Job Title,Hire Date\nN-2002,Clara,Barton,ICU,Registered Nurse,2019-05-01\n');
  expect(custodian(['import', path('v.custodian'), path('roster.csv')]).code).toBe(0);
});

describe('custodian redact', () => {
  it('redacts boxes, terms and PII; --json lists what was redacted per page; the original is untouched', () => {
    const before = readFileSync(path('sheet.pdf'));
    const r = custodian([
      'redact',
      path('sheet.pdf'),
      path('out.pdf'),
      '--box',
      '2:60,690,80,30',
      '--term',
      'Walt Whitman',
      '--pii',
      '--dpi',
      '100',
      '--reason',
      'third-party-PII',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RedactJson;
    expect(report.format).toBe('pdf');
    expect(report.reason).toBe('third-party-PII');
    expect(report.pages.map((p) => p.dpi)).toEqual([100, 100]);
    expect(report.pages[0]?.suggestions.map((s) => `${s.kind}:${s.text}`)).toEqual(['ssn:219-09-9999', 'term:Walt Whitman']);
    expect(report.pages[1]?.boxes).toEqual([{ page: 2, x: 60, y: 690, width: 80, height: 30 }]);
    expect(pdftotext(path('out.pdf')).trim()).toBe('');
    expect(readFileSync(path('sheet.pdf')).equals(before)).toBe(true);
  });

  it("--vault suggests the vault's people: names and employee ids, not strangers", () => {
    const r = custodian(['redact', path('sheet.pdf'), path('people.pdf'), '--vault', path('v.custodian'), '--keep-text', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RedactJson;
    expect(report.pages[0]?.suggestions.map((s) => `${s.kind}:${s.text}`)).toEqual(['person:Clara Barton', 'person:N-2002']);
    const text = pdftotext(path('people.pdf'));
    expect(text).not.toMatch(/Clara|Barton|N-2002/);
    // Not in the vault, and no --pii: the visitor and the SSN stay (the officer asked for neither).
    expect(text).toMatch(/Visitor Walt Whitman/);
  });

  it('refuses bad input with one line on stderr, a non-zero exit, and no output file', () => {
    const refusals: [string[], RegExp][] = [
      [['--box', '1:72,700'], /expected PAGE:X,Y,W,H/],
      [['--box', '0:1,1,5,5'], /expected PAGE:X,Y,W,H/],
      [['--dpi', '5000'], /DPI must be a whole number from 50 to 600/],
      [['--reason', 'no spaces allowed'], /--reason: a code/],
    ];
    for (const [flags, message] of refusals) {
      const r = custodian(['redact', path('sheet.pdf'), path('refused.pdf'), ...flags]);
      expect(r.code, flags.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(path('refused.pdf'))).toBe(false);
    }
    writeFileSync(path('notes.txt'), 'not a document');
    expect(custodian(['redact', path('notes.txt'), path('refused.pdf')]).stderr).toMatch(/Only PDF, PNG, JPEG and TIFF/);
    expect(custodian(['redact', path('sheet.pdf'), path('sheet.pdf')]).stderr).toMatch(/must not be <in>/);
    expect(custodian(['redact', path('missing.pdf'), path('refused.pdf')]).stderr).toMatch(/not a readable file/);
    expect(custodian(['redact', path('sheet.pdf'), path('no-such-folder/refused.pdf')]).stderr).toMatch(/must be in an existing folder. Nothing was written/);
    expect(existsSync(path('refused.pdf'))).toBe(false);
  });

  it('will not overwrite an existing file unless --force', () => {
    writeFileSync(path('taken.pdf'), 'precious');
    const r = custodian(['redact', path('sheet.pdf'), path('taken.pdf')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/exists; choose another name or pass --force/);
    expect(readFileSync(path('taken.pdf'), 'utf8')).toBe('precious');
    expect(custodian(['redact', path('sheet.pdf'), path('taken.pdf'), '--force', '--dpi', '72']).code).toBe(0);
    expect(readFileSync(path('taken.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    // Its encrypted spill was beside the output (on its disk, not a tmpfs) and is gone.
    expect(readdirSync(temp.dir).filter((name) => name.startsWith('custodian-spill-'))).toEqual([]);
  });
});
