import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker, OEM } from 'tesseract.js';
import type { Worker } from 'tesseract.js';

/** A word read by OCR, in the pixels of the image it was read from (top-left origin). */
export interface OcrWord {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  confidence: number;
  /** The line it belongs to, counted over the whole image. */
  line: number;
}

export interface OcrEngine {
  recognize(png: Buffer): Promise<OcrWord[]>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
/**
 * English LSTM data (the `4.0.0_best_int` folder of @tesseract.js-data/eng), read from disk.
 * With a local langPath tesseract.js never fetches; cacheMethod 'none' stops it writing a copy of
 * the data into the working directory.
 */
const LANG_PATH = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');

/**
 * Starts tesseract.js (its WebAssembly core in a worker thread of its own). Starting costs about
 * a second; one engine serves a whole document. Always `stop()` it.
 */
export async function startOcr(): Promise<OcrEngine> {
  const worker: Worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath: LANG_PATH, gzip: true, cacheMethod: 'none' });
  return {
    async recognize(png) {
      const { data } = await worker.recognize(png, {}, { blocks: true, text: false });
      const words: OcrWord[] = [];
      let line = 0;
      for (const block of data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const l of paragraph.lines) {
            for (const w of l.words) {
              if (w.text.trim()) words.push({ text: w.text, x0: w.bbox.x0, y0: w.bbox.y0, x1: w.bbox.x1, y1: w.bbox.y1, confidence: w.confidence, line });
            }
            line++;
          }
        }
      }
      return words;
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}
