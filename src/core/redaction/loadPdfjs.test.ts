import { spawnSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { REPLACED, loadPdfjs } from './loadPdfjs';
import { openPdf } from './openPdf';

// pdf.js's legacy build swaps some built-ins process-wide for slow JavaScript (loadPdfjs.ts).
// Nativeness is judged with Function.prototype.toString from a fresh realm, which no polyfill in
// this one can have touched: a native function prints "{ [native code] }".
const realmToString = runInNewContext('Function.prototype.toString') as (this: unknown) => string;
const isNative = (value: unknown) => typeof value === 'function' && /\{\s*\[native code\]\s*\}$/.test(realmToString.call(value));
const nameOf = (owner: object, key: PropertyKey) =>
  `${owner === JSON ? 'JSON' : owner === Array.prototype ? 'Array.prototype' : owner === Function.prototype ? 'Function.prototype' : '?'}.${String(key)}`;

/**
 * In a fresh Node: which functions among the own properties of the common built-ins, their
 * prototypes included, are different objects after importing pdf.js and its worker module plainly.
 */
const PLAIN_IMPORT = `
const owners = { JSON, Math, Reflect, Object, 'Object.prototype': Object.prototype, Array, 'Array.prototype': Array.prototype,
  'Function.prototype': Function.prototype, String, 'String.prototype': String.prototype, Number, 'Number.prototype': Number.prototype,
  Promise, 'Promise.prototype': Promise.prototype, Map, 'Map.prototype': Map.prototype, Set, 'Set.prototype': Set.prototype,
  'RegExp.prototype': RegExp.prototype, Uint8Array, 'TypedArray.prototype': Object.getPrototypeOf(Uint8Array.prototype),
  'ArrayBuffer.prototype': ArrayBuffer.prototype, 'DataView.prototype': DataView.prototype, Error, 'Error.prototype': Error.prototype };
const read = () => new Map(Object.entries(owners).flatMap(([name, owner]) => Reflect.ownKeys(owner).map((key) => {
  const d = Object.getOwnPropertyDescriptor(owner, key);
  return [name + '.' + String(key), d && ('value' in d ? d.value : d.get)];
})));
const before = read();
await import('pdfjs-dist/legacy/build/pdf.mjs');
await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
const replaced = [...read()].filter(([key, value]) => before.has(key) && typeof before.get(key) === 'function' && before.get(key) !== value).map(([key]) => key);
process.stdout.write(JSON.stringify(replaced.sort()));
`;

describe('loadPdfjs', () => {
  it('names every built-in the installed pdf.js replaces when imported plainly (an update that replaces more fails here)', () => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', PLAIN_IMPORT], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const replaced = JSON.parse(child.stdout) as string[];
    expect(replaced).toEqual(REPLACED.map(([owner, key]) => nameOf(owner, key)).sort());
  });

  it('leaves those built-ins native, after loading pdf.js and after opening and reading a PDF', async () => {
    await loadPdfjs();
    for (const [owner, key] of REPLACED) expect(isNative((owner as Record<PropertyKey, unknown>)[key]), nameOf(owner, key)).toBe(true);
    const source = await PDFDocument.create();
    source.addPage([200, 200]).drawText('Ann Lee', { x: 20, y: 100 });
    const doc = await openPdf(await source.save());
    try {
      const page = await doc.getPage(1);
      const text = await page.getTextContent();
      expect(text.items.map((item) => ('str' in item ? item.str : '')).join('')).toBe('Ann Lee');
    } finally {
      await doc.destroy();
    }
    for (const [owner, key] of REPLACED) expect(isNative((owner as Record<PropertyKey, unknown>)[key]), nameOf(owner, key)).toBe(true);
    expect(JSON.stringify({ a: [1, '\u2028'] })).toBe('{"a":[1,"\u2028"]}');
  });
});
