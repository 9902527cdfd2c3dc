/** pdf.js's worker module (legacy build), loaded in-process as its fake worker: loadPdfjs.ts. */
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
