import { describe, expect, it } from 'vitest';
import { recordId } from './recordId';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('recordId', () => {
  it('makes unique, strictly increasing UUIDv7s, even 10,000 within one millisecond and with the clock stepping back', () => {
    const ids: string[] = [];
    const base = Date.now() + 1000;
    for (let i = 0; i < 10_000; i++) ids.push(recordId(base));
    for (let i = 0; i < 100; i++) ids.push(recordId(base - 5000));
    for (let i = 0; i < 1000; i++) ids.push(recordId(base + 10 + i));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fills its last 62 bits with fresh random bytes (no two of 20,000 ids share them)', () => {
    const tails = new Set<string>();
    for (let i = 0; i < 20_000; i++) tails.add(recordId().replace(/-/g, '').slice(16));
    expect(tails.size).toBe(20_000);
  });

  it('carries the creation time in its first 48 bits', () => {
    const at = Date.now() + 60_000;
    const id = recordId(at);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });
});
