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
 * pdf.js (legacy build) and its worker module, loaded once, with the built-ins it replaced put
 * back. The worker module is preloaded as `globalThis.pdfjsWorker` (pdf.js's fake-worker hook):
 * otherwise the first getDocument imports it later, and its own copy of core-js replaces the
 * built-ins again, after they were restored.
 */
export function loadPdfjs(): Promise<PdfjsModule> {
  loaded ??= (async () => {
    const natives = REPLACED.map(([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)] as const);
    try {
      const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
      (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
      return pdfjs;
    } finally {
      for (const [owner, key, descriptor] of natives) if (descriptor) Object.defineProperty(owner, key, descriptor);
    }
  })();
  return loaded;
}
