import { describe, expect, it } from 'vitest';
import { askedSize, attributeSampleSize, parseSampleRule, populationHash, samplePicks, sortedPopulation } from './sampling';

describe('attribute sampling size', () => {
  it('is ceil(ln(1 - confidence) / ln(1 - tolerable rate)): 29 at 95%/10%, 22 at 90%/10%, 59 at 95%/5%', () => {
    expect(attributeSampleSize(0.95, 0.1)).toBe(29);
    expect(attributeSampleSize(0.9, 0.1)).toBe(22);
    expect(attributeSampleSize(0.95, 0.05)).toBe(59);
    expect(attributeSampleSize(0.99, 0.1)).toBe(44);
  });

  it('parses the rules the CLI takes and refuses others', () => {
    expect(parseSampleRule('auto')).toEqual({ kind: 'attribute', confidence: 0.95, tolerableRate: 0.1 });
    expect(parseSampleRule('all')).toEqual({ kind: 'all' });
    expect(parseSampleRule('25')).toEqual({ kind: 'fixed', size: 25 });
    expect(parseSampleRule('attr:90,10')).toEqual({ kind: 'attribute', confidence: 0.9, tolerableRate: 0.1 });
    expect(parseSampleRule('attr:0.9,0.1')).toEqual({ kind: 'attribute', confidence: 0.9, tolerableRate: 0.1 });
    expect(() => parseSampleRule('attr:1,0.1')).toThrow(/strictly between/);
    expect(() => parseSampleRule('0')).toThrow(/expected auto/);
    expect(() => parseSampleRule('some')).toThrow(/expected auto/);
    expect(askedSize({ kind: 'all' }, 7)).toBe(7);
  });
});

describe('sample picks', () => {
  const ids = sortedPopulation(Array.from({ length: 200 }, (_, i) => `person-${String(i)}`));

  it('are the same for the same seed, differ for another, are sorted, unique and from the population', () => {
    const a = samplePicks(ids, 'seed-1', 'req', 29);
    expect(samplePicks(ids, 'seed-1', 'req', 29)).toEqual(a);
    expect(samplePicks(ids, 'seed-2', 'req', 29)).not.toEqual(a);
    expect(samplePicks(ids, 'seed-1', 'other-req', 29)).not.toEqual(a);
    expect(new Set(a).size).toBe(29);
    expect([...a].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))).toEqual(a);
    for (const id of a) expect(ids).toContain(id);
  });

  it('take everyone when the size reaches the population, and hash the population as documented', () => {
    expect(samplePicks(ids.slice(0, 10), 's', 'r', 29)).toEqual(ids.slice(0, 10));
    expect(populationHash(['a', 'b'])).toBe('911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2');
  });
});
