import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson';

/** The definition, written the slow and obvious way: sort every object's keys, drop undefined. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => reference(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${reference(item)}`).join(',')}}`;
}

const primitive = fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
// Keys that look like array indices are ordered numerically by JavaScript: the fast path must not apply.
const key = fc.oneof(fc.string({ unit: 'binary' }), fc.nat().map(String), fc.constantFrom('person_id', 'score', '10', '9', '__proto__'));

describe('canonicalJson', () => {
  it('is the sorted-keys serialisation for flat records (the fast path) and anything nested', () => {
    fc.assert(
      fc.property(fc.dictionary(key, primitive), (record) => {
        expect(canonicalJson(record)).toBe(reference(record));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the order JSON.stringify would break: index-like keys, undefined values', () => {
    expect(canonicalJson({ b: 1, 10: 'x', 9: 'y', a: undefined })).toBe('{"10":"x","9":"y","b":1}');
    expect(canonicalJson({ z: null, a: { d: 1, c: [2, { f: 3, e: 4 }] } })).toBe('{"a":{"c":[2,{"e":4,"f":3}],"d":1},"z":null}');
  });
});
