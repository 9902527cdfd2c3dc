import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PacketModel } from '../../src/core/packet/packetModel';
import { renderReportPdf } from '../../src/core/packet/reportPdf';
import { packetModelFixture } from '../support/packetModelFixture';
import { tempDir } from '../support/tempVault';

// data/report.pdf judged from outside, by poppler (pdftotext, pdffonts, pdfinfo) and qpdf: what
// they read is what an auditor's reader shows.

const temp = tempDir('custodian-report-');
afterAll(() => temp.cleanup());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function save(name: string, bytes: Uint8Array): string {
  const path = join(temp.dir, name);
  writeFileSync(path, bytes);
  return path;
}
const run = (tool: string, args: string[]): string =>
  execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' }, maxBuffer: 256 * 1024 * 1024 });
/** The text of each page, as pdftotext lays it out (pages end with a form feed). */
const pagesOf = (path: string): string[] => run('pdftotext', ['-layout', path, '-']).split('\f').slice(0, -1);

interface OutlineItem {
  title: string;
  destpageposfrom1: number;
  kids: OutlineItem[];
}

describe('the packet report (data/report.pdf)', () => {
  const model = packetModelFixture(600);
  let path = '';
  let pages: string[] = [];

  beforeAll(async () => {
    path = save('report.pdf', await renderReportPdf(model));
    pages = pagesOf(path);
  });

  it('prints the organisation, the scope, full hashes, signature lines, unanswered requests and page numbers', () => {
    const text = pages.join('\n');
    expect(pages[0]).toContain('St. Example Hospital');
    expect(pages[0]).toMatch(/Period\s+2026-01-01 to 2026-06-30; statuses as of 2026-06-30/);
    expect(pages[0]).toMatch(/Roles\s+all/);
    expect(pages[0]).toMatch(/Signed by\s+Olivia Officer \(user olivia\)/);
    expect(pages[0]).toContain('SHA256:k0Q9n8tZC7m8D3a9vC4JpQy7d2XyXwqf0uJr7GgR1nE');
    // 21 CFR 11.50: printed name, date and time, meaning, on one line.
    expect(text).toMatch(/Signed\s+Rita Reviewer \(rita\) · 2026-11-02 14:05:00 UTC · meaning: approved/);
    expect(text).toMatch(new RegExp(`SHA-256\\s+${model.evidence[0]?.sha256 ?? 'missing'}\\n`));
    expect(text).toMatch(/REQ-002 .*CC9\.9\s+UNANSWERED/);
    expect(text).toMatch(/REQ-001 .*HR-1\s+164\.308\(a\)\(5\)\s+answered\s+hipaa-security-awareness/);
    expect(text).toMatch(/Rule\s+attribute sampling, 95% confidence, 10% tolerable deviation rate, zero expected deviations: n = 29\n/);
    expect(text).toMatch(/Asked \/ picked\s+29 asked, 29 picked\n/);
    expect(text).toMatch(/People picked\s+P-100000, P-100001, /);
    expect(text).toMatch(/Compliant\s+450\n\s*Expired\s+150/);
    expect(text).toContain('ssh-keygen -Y verify -f allowed_signers -I olivia -n custodian-packet -s tagmanifest-sha256.txt.sig < tagmanifest-sha256.txt');
    expect(text).toContain('sha256sum -c tagmanifest-sha256.txt && sha256sum -c manifest-sha256.txt');
    expect(pages.length).toBeGreaterThan(5);
    pages.forEach((page, index) => expect(page).toMatch(new RegExp(`Page ${String(index + 1)} of ${String(pages.length)}\\s*$`)));
  });

  it('repeats the header row of a long exceptions table on every page it spans', () => {
    const first = pages.findIndex((page) => page.includes('P-100000 '));
    const last = pages.findIndex((page) => page.includes('P-100596 '));
    expect(first).toBeGreaterThan(1);
    expect(last - first).toBeGreaterThanOrEqual(2);
    for (let index = first; index <= last; index++) {
      expect(pages[index], `page ${String(index + 1)}`).toMatch(/\n\s*Person\s+Unit\s+Role\s+Status\s+Due on\n/);
      if (index > first) expect(pages[index]).toContain('Exceptions (150) (continued)');
    }
    // Every exception is listed, once.
    const listed = pages.join('\n').match(/P-1\d{5}\s+\S.*\s+Expired\s+2026-03-01/g) ?? [];
    expect(listed).toHaveLength(150);
    // A cell wider than its column wraps instead of running into the next one.
    expect(pages[first]).toMatch(/=HYPERLINK\("http:\/\/evil\.example",\s+\+Nurse\s+Expired/);
  });

  it('embeds subsets of Liberation Sans Regular and Bold, and nothing else', () => {
    const fonts = run('pdffonts', [path]).trim().split('\n').slice(2);
    expect(fonts).toHaveLength(2);
    expect(fonts[0]).toMatch(/^[A-Z]{6}\+LiberationSans\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts[1]).toMatch(/^[A-Z]{6}\+LiberationSans-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts.join('\n')).not.toContain('Type 3');
  });

  it('carries the title, author, tool and build time as metadata, and passes qpdf --check', () => {
    const info = run('pdfinfo', [path]);
    expect(info).toMatch(/Title:\s+Audit packet 6f1c2a52-1b7e-4f7e-9d5c-1d2e3f405060\n/);
    expect(info).toMatch(/Author:\s+Olivia Officer\n/);
    expect(info).toMatch(/Creator:\s+Custodian\n/);
    expect(info).toMatch(/Producer:\s+Custodian\n/);
    expect(info).toMatch(/CreationDate:\s+Tue Dec {2}1 09:30:00 2026 UTC\n/);
    expect(info).toMatch(/ModDate:\s+Tue Dec {2}1 09:30:00 2026 UTC\n/);
    expect(info).toMatch(new RegExp(`Pages:\\s+${String(pages.length)}\\n`));
    expect(info).toMatch(/Page size:\s+612 x 792 pts \(letter\)/);
    const flat = execFileSync('qpdf', ['--qdf', '--object-streams=disable', path, '-']).toString('latin1');
    expect(flat).toMatch(/\/ViewerPreferences \d+ 0 R/);
    expect(flat).toMatch(/\/DisplayDocTitle true/);
    const check = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('No syntax or stream encoding errors found');
    expect(check.status).toBe(0);
  });

  it('has bookmarks and a contents page that point at the pages the sections are on', () => {
    const outline = (JSON.parse(run('qpdf', ['--json', '--json-key=outlines', path])) as { outlines: OutlineItem[] }).outlines;
    expect(outline.map((item) => item.title)).toEqual([
      'Cover',
      'Contents',
      'Readiness summary',
      'Requirements',
      'Evidence index',
      'Requests',
      'Chain of custody',
      'Checkpoint and verification',
    ]);
    const requirements = outline[3];
    expect(requirements?.kids.map((kid) => kid.title)).toEqual([
      '164.308(a)(5)  Security awareness and training',
      '164.308(a)(5)(ii)(B)  Protection from malicious software',
    ]);
    const contents = pages[1] ?? '';
    expect(contents).toMatch(/^\s*Contents\s*$/m);
    const words = (text: string) => text.replace(/\s+/g, ' ');
    for (const item of [...outline.slice(2), ...(requirements?.kids ?? [])]) {
      const title = words(item.title);
      expect(words(pages[item.destpageposfrom1 - 1] ?? ''), title).toContain(title);
      // The contents line for it ends with the same page number.
      const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(words(contents), title).toMatch(new RegExp(`${escaped}[ .]+ ${String(item.destpageposfrom1)} `));
    }
    // The requirement that spans pages starts before the one after it.
    expect(requirements?.kids[0]?.destpageposfrom1).toBeLessThan(requirements?.kids[1]?.destpageposfrom1 ?? 0);
  });

  it('gives the same bytes for the same model, whatever the clock and Math.random say', async () => {
    const first = await renderReportPdf(model);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-05-05T05:05:05Z'));
    vi.spyOn(Math, 'random').mockReturnValue(0.987654321);
    const second = await renderReportPdf(model);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const raw = Buffer.from(first).toString('latin1');
    expect(raw).not.toMatch(/\/ID\s*\[/);
    expect(raw.match(/\(D:\d{14}Z\)/g)).toEqual(['(D:20261201093000Z)', '(D:20261201093000Z)']);
    // Another model gives another file: the comparison above could fail.
    const other = await renderReportPdf({ ...model, builtAt: '2026-12-02T09:30:00.000Z' });
    expect(Buffer.from(other).equals(Buffer.from(first))).toBe(false);
  });

  it('draws hostile text (controls, emoji, bidi overrides, lone surrogates, formulas) without throwing', async () => {
    const hostile = 'Ann\u0000\u0007\u001b[31m\tBell\r\n\u202Eevil\u202C 😀 \uD800 =HYPERLINK("http://evil.example","x") Zoë ΑΒΓ 中文';
    const hostileModel: PacketModel = structuredClone(model);
    hostileModel.organisation = hostile;
    hostileModel.signer.printedName = hostile;
    const [requirement] = hostileModel.requirements;
    const [evidence] = hostileModel.evidence;
    const [exception] = requirement?.exceptions ?? [];
    if (!requirement || !evidence || !exception) throw new Error('fixture changed');
    requirement.title = hostile;
    exception.person = hostile;
    evidence.path = `data/evidence/${'x'.repeat(400)}/${hostile}.pdf`;
    hostileModel.custody.push({ seq: 13, at: 'not a date', actor: hostile, action: hostile, target: null, summary: hostile.repeat(40) });
    const out = save('hostile.pdf', await renderReportPdf(hostileModel));
    expect(spawnSync('qpdf', ['--check', out]).status).toBe(0);
    const text = run('pdftotext', [out, '-']);
    expect(text).toContain('=HYPERLINK("http://evil.example","x") Zoë ΑΒΓ ??');
    expect(text).toMatch(/Ann\?\?\?\[31m\s+Bell\s+\?evil\?\s+\?\s+\?\s/);
    // Nothing unshowable reaches the page: no controls but line and page breaks, no bidi override, no emoji.
    expect(text.match(/[^\P{Cc}\n\f]|[\p{Cf}\p{Cs}]/gu)).toBeNull();
    expect(text).not.toContain('😀');
    expect(run('pdfinfo', [out])).toMatch(/Author:\s+Ann\?\?\?\[31m Bell {2}\?evil\? 😀 \? =HYPERLINK/);
    expect(run('pdffonts', [out]).trim().split('\n').slice(2)).toHaveLength(2);
  });

  it('renders 20,000 status rows, 5,000 exceptions and 1,000 evidence files in seconds, reporting progress', async () => {
    const big = packetModelFixture(20_000);
    const [file] = big.evidence;
    if (!file) throw new Error('fixture changed');
    big.evidence = Array.from({ length: 1000 }, (_, i) => ({
      ...file,
      evidenceId: `ev-${String(i)}`,
      path: `data/evidence/hipaa-security-awareness/certificate-${String(i)}.pdf`,
      sha256: `${i.toString(16).padStart(4, '0')}${file.sha256.slice(4)}`,
      reviews: i % 2 === 0 ? file.reviews : [],
    }));
    const calls: [number, number][] = [];
    const started = performance.now();
    const bytes = await renderReportPdf(big, { onProgress: (done, total) => calls.push([done, total]) });
    const seconds = (performance.now() - started) / 1000;
    console.info(`report of 20,000 rows and 1,000 files: ${seconds.toFixed(2)} s, ${String(bytes.length)} bytes`);
    expect(seconds).toBeLessThan(10);
    const bigPath = save('big.pdf', bytes);
    const bigPages = pagesOf(bigPath);
    expect(bigPages.length).toBeGreaterThan(100);
    const text = bigPages.join('\n');
    expect(text).toContain('P-119996 ');
    expect(text).toContain(`03e7${file.sha256.slice(4)}`);
    expect(run('pdfinfo', [bigPath])).toMatch(new RegExp(`Pages:\\s+${String(bigPages.length)}\\n`));
    // Progress: several reports, never backwards, one total, ending at it.
    expect(calls.length).toBeGreaterThan(10);
    const total = calls[0]?.[1] ?? 0;
    expect(calls.every(([, t]) => t === total)).toBe(true);
    expect(calls.every(([done], i) => i === 0 || done >= (calls[i - 1]?.[0] ?? 0))).toBe(true);
    expect(calls.at(-1)).toEqual([total, total]);
  }, 60_000);
});
