import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { startOcr } from '../src/core/redaction/ocrEngine';
import { ocrPageText } from '../src/core/redaction/ocrPageText';
import { openPdf } from '../src/core/redaction/openPdf';
import { rasterPage } from '../src/core/redaction/rasterPage';
import { redactPdf, redactPdfToSpill } from '../src/core/redaction/redactPdf';
import type { Figure } from './measure';
import { median } from './pageProbes';

// Redaction of PDFs (issue: "pages per second at 150 and 200 DPI for a 100-page text PDF, and
// peak RSS, against pdf.js rendering the same pages without redaction in the same run (goal: at
// least 60% of that rate); OCR seconds per page at 200 DPI").
// - Rate, beside a second baseline: the same render with each page's pixels read once (Skia
//   records drawing and rasterises only when pixels are read: the first baseline makes none).
// - Rate: redactPdfToSpill(bytes, { dpi, pii: true }), its output read once, on a 100-page letter-size text PDF (Helvetica
//   11 pt, 40 lines a page, 8 with an SSN and 8 with an e-mail for --pii), everything included
//   (text layer, suggestions, painting, page images (lossless gray, else JPEG q90), the PDF writer and its encrypted spill, the output's check). Baseline on equal
//   footing: the same pdf.js legacy build, canvas and DPI (our openPdf + rasterPage) rendering
//   every page of the same PDF and nothing else. Rounds alternate the two; medians are printed.
// - Peak RSS: each of the two at 200 DPI once more, in a child process of its own (this bundle
//   again), reporting its own peak (VmHWM: Linux's maxRSS of a child starts at its parent's RSS
//   at fork, this process's hundreds of MB); both load the same bundle, shown idle too.
// - Flat memory: peak RSS of a child redacting a 500-page register at 200 DPI, beside the
//   100-page one's (the figure is the redaction's own: it reads its output once, to its end).
// - OCR: ocrPageText (PNG encode, tesseract.js, words mapped to boxes) on OCR_PAGES pages
//   rendered at 200 DPI, median seconds per page, the engine started once (its start-up printed
//   apart). Baseline: Debian's `tesseract` CLI on the same PNGs, with the settings tesseract.js
//   uses (LSTM only, one block, one thread); its start-up (process, model load) is in every call.
//   The engine's start-up against the CLI's on a blank 64 x 64 PNG.
// CUSTODIAN_BENCH_REDACTION_ROUNDS changes the number of rounds (default 3).

const PAGES = 100;
/** The long PDF of the flat-memory figure (issue 14: a 500-page PDF, page by page). */
const LONG_PAGES = 500;
const LINES = 40;
const DPIS = [150, 200] as const;
const RSS_DPI = 200;
const OCR_DPI = 200;
const OCR_PAGES = 3;
const ROUNDS = Number(process.env.CUSTODIAN_BENCH_REDACTION_ROUNDS ?? 3);
/** Set in the child processes that measure peak RSS: `idle|render|redact:<dpi>:<pdf path>`. */
const CHILD = 'CUSTODIAN_BENCH_REDACTION_CHILD';

/** A letter-size register in Helvetica 11 pt, 40 lines a page; a line in five has an SSN, another in five an e-mail. */
async function textPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 0; n < pages; n++) {
    const page = pdf.addPage([612, 792]);
    for (let line = 0; line < LINES; line++) {
      const i = n * LINES + line;
      const pii =
        line % 5 === 2
          ? `   SSN ${String(100 + (i % 500))}-${String(10 + (i % 89))}-${String(1000 + (i % 9000))}`
          : line % 5 === 4
            ? `   given${String(i)}.family@example.org`
            : '';
      const text = `${String(i + 1).padStart(4, '0')}  Employee E${String(100000 + i)} completed fire safety training 2025-03-0${String((line % 9) + 1)}${pii}`;
      if (font.widthOfTextAtSize(text, 11) > 612 - 2 * 54) throw new Error(`line ${String(i)} is wider than the page`);
      page.drawText(text, { x: 54, y: 740 - line * 17, size: 11, font });
    }
  }
  return pdf.save();
}

/**
 * Renders every page with pdf.js at `dpi` (our openPdf and rasterPage), keeping nothing. With
 * `pixels`, each page's pixels are read once: Skia records what pdf.js draws and rasterises it
 * only when its pixels are read, so without it no pixel of the page is ever made.
 */
async function renderAll(bytes: Uint8Array, dpi: number, pixels = false): Promise<void> {
  const doc = await openPdf(bytes);
  try {
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      // pdf.js alone: without the glyph recording redaction adds (see rasterPage).
      const raster = await rasterPage(doc, page, dpi, { glyphs: false });
      if (pixels) raster.canvas.data();
      raster.release();
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
}

/**
 * Redacts every page with the PII suggestions at `dpi` and reads the checked output once to its
 * end, as the CLI and the vault do (from its encrypted spill); returns the number of boxes painted.
 */
async function redactAll(bytes: Uint8Array, dpi: number): Promise<number> {
  const { output, report } = await redactPdfToSpill(bytes, { dpi, pii: true });
  try {
    // Read to the end and counted, as a copy to disk would read it.
    let read = 0;
    for await (const chunk of output.stream()) read += (chunk as Buffer).length;
    if (read !== output.size) throw new Error('the output was not read whole');
  } finally {
    await output.dispose();
  }
  const pages = report.pages.length;
  const boxes = report.pages.reduce((sum, p) => sum + p.boxes.length, 0);
  // 8 SSNs and 8 e-mails a page, a box each.
  if (boxes < pages * 16) throw new Error(`--pii found ${String(boxes)} boxes, not ${String(pages * 16)}`);
  return boxes;
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/** This process's peak RSS in KiB: VmHWM, which starts afresh at exec, where maxRSS does not. */
function peakRssKiB(): number {
  const hwm = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (!hwm) throw new Error('no VmHWM in /proc/self/status');
  return Number(hwm);
}

/** In a child: one run of `render` or `redact` (or nothing: `idle`), then its own peak RSS (KiB) as JSON on stdout. */
async function childRun(spec: string): Promise<Figure[]> {
  const [mode, dpi, ...path] = spec.split(':');
  const bytes = new Uint8Array(readFileSync(path.join(':')));
  const work = { redact: () => redactAll(bytes, Number(dpi)), render: () => renderAll(bytes, Number(dpi)), idle: () => Promise.resolve() }[mode ?? ''];
  if (!work) throw new Error(`unknown child run ${spec}`);
  const took = await seconds(work);
  console.log(JSON.stringify({ redactionChild: mode, seconds: took, peakRssKiB: peakRssKiB() }));
  return [];
}

/** Peak RSS (MiB) of a child process of this bundle doing one `mode` run at `dpi`. */
function childPeakRssMb(mode: 'idle' | 'render' | 'redact', dpi: number, pdf: string): number {
  const script = process.argv[1];
  if (!script) throw new Error('cannot tell which script to run in the child');
  const run = spawnSync(process.execPath, [script, 'redaction'], { env: { ...process.env, [CHILD]: `${mode}:${String(dpi)}:${pdf}` }, encoding: 'utf8' });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{"redactionChild"'));
  if (run.status !== 0 || !line) throw new Error(`the ${mode} child failed: ${run.stdout}${run.stderr}`);
  return (JSON.parse(line) as { peakRssKiB: number }).peakRssKiB / 1024;
}

function tesseractInstalled(): boolean {
  return spawnSync('tesseract', ['--version']).status === 0;
}

/** Debian's tesseract on a PNG with tesseract.js's settings (LSTM only, PSM 6, one thread); seconds. */
function tesseractSeconds(png: string): number {
  const start = performance.now();
  execFileSync('tesseract', [png, '-', '--oem', '1', '--psm', '6'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return (performance.now() - start) / 1000;
}

async function ocrFigures(bytes: Uint8Array, dir: string): Promise<Figure[]> {
  const start = performance.now();
  const engine = await startOcr();
  const startup = (performance.now() - start) / 1000;
  const ours: number[] = [];
  const pngs: string[] = [];
  let words = 0;
  const doc = await openPdf(bytes);
  try {
    for (let number = 1; number <= OCR_PAGES; number++) {
      const page = await doc.getPage(number);
      const raster = await rasterPage(doc, page, OCR_DPI, { glyphs: false });
      try {
        const pageStart = performance.now();
        const text = await ocrPageText(engine, raster, number);
        ours.push((performance.now() - pageStart) / 1000);
        words += text.text.split(/\s+/).filter(Boolean).length;
        const png = join(dir, `page-${String(number)}.png`);
        writeFileSync(png, await raster.canvas.encode('png'));
        pngs.push(png);
      } finally {
        raster.release();
        page.cleanup();
      }
    }
  } finally {
    await doc.destroy();
    await engine.stop();
  }
  if (words < OCR_PAGES * LINES * 5) throw new Error(`OCR read only ${String(words)} words of ${String(OCR_PAGES)} pages`);
  const installed = tesseractInstalled();
  const theirs = installed ? pngs.map(tesseractSeconds) : [];
  const blankCanvas = createCanvas(64, 64);
  const blankContext = blankCanvas.getContext('2d');
  blankContext.fillStyle = '#ffffff';
  blankContext.fillRect(0, 0, 64, 64);
  const blank = join(dir, 'blank.png');
  writeFileSync(blank, await blankCanvas.encode('png'));
  const theirStartup = installed ? median(Array.from({ length: OCR_PAGES }, () => tesseractSeconds(blank))) : Number.NaN;
  const skipped = { name: "Debian's tesseract CLI: not installed, skipped", value: Number.NaN, unit: 's' };
  const what = `OCR of a text page rendered at ${String(OCR_DPI)} DPI (ocrPageText: PNG encode, tesseract.js, boxes; median of ${String(OCR_PAGES)} pages, ${String(Math.round(words / OCR_PAGES))} words a page; engine start-up excluded)`;
  return [
    {
      name: what,
      value: median(ours),
      unit: 's/page',
      baseline: installed
        ? {
            name: "Debian's tesseract CLI on the same PNG, LSTM only, --psm 6, one thread (its start-up and model load in every call)",
            value: median(theirs),
            unit: 's/page',
          }
        : { ...skipped, unit: 's/page' },
    },
    {
      name: 'OCR engine start-up (startOcr: tesseract.js worker, WebAssembly, English LSTM data)',
      value: startup,
      unit: 's',
      baseline: installed
        ? { name: `Debian's tesseract CLI on a blank 64 x 64 PNG (process, model load; median of ${String(OCR_PAGES)})`, value: theirStartup, unit: 's' }
        : skipped,
    },
  ];
}

export async function benchRedaction(): Promise<Figure[]> {
  const child = process.env[CHILD];
  if (child) return childRun(child);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-redaction-'));
  try {
    const bytes = await textPdf(PAGES);
    const pdf = join(dir, 'register.pdf');
    writeFileSync(pdf, bytes);
    // Warm-up (pdf.js's modules, the standard font, the JPEG encoder) on a short PDF.
    const warmUp = await textPdf(5);
    await renderAll(warmUp, 150);
    await redactPdf(warmUp, { dpi: 150, pii: true });

    const figures: Figure[] = [];
    for (const dpi of DPIS) {
      const render: number[] = [];
      const renderPixels: number[] = [];
      const redact: number[] = [];
      let boxes = 0;
      for (let round = 0; round < ROUNDS; round++) {
        render.push(PAGES / (await seconds(() => renderAll(bytes, dpi))));
        renderPixels.push(PAGES / (await seconds(() => renderAll(bytes, dpi, true))));
        redact.push(
          PAGES /
            (await seconds(async () => {
              boxes = await redactAll(bytes, dpi);
            })),
        );
      }
      figures.push({
        name: `redact a ${String(PAGES)}-page text PDF at ${String(dpi)} DPI with --pii (${String(boxes)} boxes; text layer, suggestions, paint, page images (lossless gray, else JPEG q90), PDF written to an encrypted spill, output check; median of ${String(ROUNDS)})`,
        value: median(redact),
        unit: 'pages/s',
        baseline: {
          name: `pdf.js rendering the same pages at ${String(dpi)} DPI (openPdf + rasterPage, nothing else)`,
          value: median(render),
          unit: 'pages/s',
        },
        goal: '>= 0.60x baseline',
      });
      // The baseline above (as the issue asks it) never makes a pixel: Skia only records pdf.js's
      // drawing until pixels are read. Beside it, the same render with each page's pixels read.
      figures.push({
        name: `redact a ${String(PAGES)}-page text PDF at ${String(dpi)} DPI with --pii, the same run`,
        value: median(redact),
        unit: 'pages/s',
        baseline: {
          name: `pdf.js rendering the same pages at ${String(dpi)} DPI into pixels (openPdf + rasterPage, then the canvas's pixels read once)`,
          value: median(renderPixels),
          unit: 'pages/s',
        },
      });
    }

    const idleRss = childPeakRssMb('idle', RSS_DPI, pdf);
    const renderRss = childPeakRssMb('render', RSS_DPI, pdf);
    const redactRss = childPeakRssMb('redact', RSS_DPI, pdf);
    figures.push({
      name: `peak RSS of a child process redacting the ${String(PAGES)}-page PDF at ${String(RSS_DPI)} DPI with --pii (the bench bundle loaded and idle: ${idleRss.toFixed(0)} MB)`,
      value: redactRss,
      unit: 'MB',
      baseline: { name: `peak RSS of a child process (the same bundle) rendering it with pdf.js at ${String(RSS_DPI)} DPI`, value: renderRss, unit: 'MB' },
    });

    // Flat memory: the same register at five times the pages, redacted in a child of its own.
    const longPdf = join(dir, 'register-long.pdf');
    writeFileSync(longPdf, await textPdf(LONG_PAGES));
    const longRss = childPeakRssMb('redact', RSS_DPI, longPdf);
    figures.push({
      name: `peak RSS of a child process redacting a ${String(LONG_PAGES)}-page PDF (the same register) at ${String(RSS_DPI)} DPI with --pii`,
      value: longRss,
      unit: 'MB',
      baseline: { name: `the same for the ${String(PAGES)}-page PDF (above)`, value: redactRss, unit: 'MB' },
      goal: 'flat: about 1x baseline (pages go to an encrypted spill file, not memory)',
    });

    figures.push(...(await ocrFigures(bytes, dir)));
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
