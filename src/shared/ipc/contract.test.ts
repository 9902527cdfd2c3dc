import { describe, expect, it } from 'vitest';
import { apiShape, buildApi } from './api';
import { CHANNELS, contract, isChannel, splitChannel } from './contract';

describe('contract', () => {
  it('names every channel custodian:<feature>.<action>', () => {
    expect(CHANNELS.length).toBeGreaterThan(0);
    for (const channel of CHANNELS) {
      expect(channel).toMatch(/^custodian:[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/);
      expect(() => splitChannel(channel)).not.toThrow();
    }
  });

  it('gives every channel a strict input schema that refuses unknown keys', () => {
    for (const channel of CHANNELS) {
      const result = contract[channel].input.safeParse({ definitelyNotAField: true });
      expect(result.success, channel).toBe(false);
    }
  });

  it('recognises only its own channel names', () => {
    expect(isChannel('custodian:app.info')).toBe(true);
    expect(isChannel('custodian:app.nope')).toBe(false);
    expect(isChannel('__proto__')).toBe(false);
    expect(isChannel('constructor')).toBe(false);
  });

  it('builds one API method per channel, each invoking its own channel', async () => {
    const calls: [string, unknown][] = [];
    const api = buildApi((channel, input) => {
      calls.push([channel, input]);
      return Promise.resolve({ ok: true, value: null });
    });
    expect(apiShape(api)).toEqual(CHANNELS.map((c) => c.slice('custodian:'.length)).sort());
    await api.app.info();
    await api.diagnostics.selfTest({});
    expect(calls).toEqual([
      ['custodian:app.info', {}],
      ['custodian:diagnostics.selfTest', {}],
    ]);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.app)).toBe(true);
  });
});
