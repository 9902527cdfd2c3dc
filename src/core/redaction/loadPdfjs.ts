import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';

type PdfjsModule = typeof Pdfjs;

/**
 * Built-ins that pdf.js's legacy build (the one that runs on Node 20) replaces for the whole
 * process, not only adds: its bundled core-js swaps JSON.stringify and JSON.parse (Node 20 has
 * no JSON.rawJSON), Array.prototype.push and Function.prototype.toString for plain-JavaScript
 * versions. Everything core does after the first PDF then runs on them: measured, a 200,000-row
 * import took 14.9 s with them against 7.5 s without. (What it only adds, such as
 * Promise.withResolvers, stays: pdf.js needs it.) `loadPdfjs.test.ts` checks the list against
 * the installed pdf.js, so an update that replaces more fails there.
 */
export const REPLACED: readonly [object, PropertyKey][] = [
  [JSON, 'stringify'],
  [JSON, 'parse'],
  [Array.prototype, 'push'],
  [Function.prototype, 'toString'],
];

let loaded: Promise<PdfjsModule> | undefined;

/**
 * pdf.js (legacy build) and its worker module, loaded once, with the built-ins they replaced put
 * back. The worker module is imported here, before the restore: it carries its own core-js, and
 * imported later (by the first getDocument, for pdf.js's in-process "fake worker") it would
 * replace the built-ins again. Imported, it sets `globalThis.pdfjsWorker`, which the fake worker
 * then uses. The globals pdf.js only adds (`navigator`, `DOMMatrix`, `Path2D`, `ImageData`,
 * `Uint8Array.prototype.toBase64`…) stay. A failed load is not kept: the next call tries again.
 *
 * Hazard: any other value import of `pdfjs-dist/legacy/*` in Node code brings the replacements
 * back; Node code imports only its types, and opens documents through openPdf.
 */
export function loadPdfjs(): Promise<PdfjsModule> {
  loaded ??= (async () => {
    const natives = REPLACED.map(([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)] as const);
    try {
      const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
      await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
      return pdfjs;
    } finally {
      for (const [owner, key, descriptor] of natives) if (descriptor) Object.defineProperty(owner, key, descriptor);
    }
  })().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}
