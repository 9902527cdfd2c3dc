import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createCoreHandlers } from '../../src/core/handlers';
import { CustodianError } from '../../src/shared/errors';
import { CHANNELS } from '../../src/shared/ipc/contract';
import type { Channel } from '../../src/shared/ipc/contract';
import { dispatch } from '../../src/shared/ipc/dispatch';
import type { Handlers } from '../../src/shared/ipc/dispatch';

/** Core's real handlers, wrapped to record whether core was reached; a malformed call must not. */
function recordingHandlers(): { handlers: Handlers; reached: Channel[] } {
  const reached: Channel[] = [];
  const real = createCoreHandlers({ dataDir: tmpdir() });
  const handlers = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      (input: unknown) => {
        reached.push(channel);
        return (real[channel] as (input: unknown) => Promise<unknown>)(input);
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, reached };
}

const MALFORMED: unknown[] = [
  null,
  42,
  'string',
  true,
  [],
  [{}],
  { unexpected: 1 },
  { __proto__: { polluted: true }, extra: 'x' },
  JSON.parse('{"__proto__": {"polluted": true}}'),
];

describe('dispatch', () => {
  it('answers a valid call with ok and the parsed output', async () => {
    const { handlers } = recordingHandlers();
    await expect(dispatch(handlers, 'custodian:app.info', {})).resolves.toEqual({
      ok: true,
      value: { name: 'Custodian', version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown, offline: true },
    });
  });

  it.each(CHANNELS)('rejects malformed payloads on %s with validation_failed, never reaching core', async (channel) => {
    const { handlers, reached } = recordingHandlers();
    for (const payload of MALFORMED) {
      const result = await dispatch(handlers, channel, payload);
      expect(result.ok, JSON.stringify(payload)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('validation_failed');
    }
    expect(reached).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws and never reaches core for arbitrary non-object payloads (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CHANNELS),
        fc.anything().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
        async (channel, payload) => {
          const { handlers, reached } = recordingHandlers();
          const result = await dispatch(handlers, channel, payload);
          return !result.ok && result.error.code === 'validation_failed' && reached.length === 0;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses objects with any unknown key (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNELS), fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { minKeys: 1 }), async (channel, payload) => {
        const { handlers, reached } = recordingHandlers();
        const result = await dispatch(handlers, channel, payload);
        return !result.ok && result.error.code === 'validation_failed' && reached.length === 0;
      }),
      { numRuns: 300 },
    );
  });

  it('does not echo the offending value in the message', async () => {
    const { handlers } = recordingHandlers();
    const secret = 'correct horse battery staple';
    const result = await dispatch(handlers, 'custodian:app.info', { passphrase: secret });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('refuses unknown channels, including prototype names', async () => {
    const { handlers } = recordingHandlers();
    for (const channel of ['custodian:vault.nope', '__proto__', 'constructor', 'toString', '']) {
      const result = await dispatch(handlers, channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    }
  });

  it('passes CustodianError codes through and hides other errors', async () => {
    const internal: unknown[] = [];
    const { handlers } = recordingHandlers();
    const typed: Handlers = {
      ...handlers,
      'custodian:app.info': () => Promise.reject(new CustodianError('permission_denied', 'Only an admin may do this.')),
    };
    await expect(dispatch(typed, 'custodian:app.info', {})).resolves.toEqual({
      ok: false,
      error: { code: 'permission_denied', message: 'Only an admin may do this.' },
    });
    const buggy: Handlers = {
      ...handlers,
      'custodian:app.info': () => Promise.reject(new Error('SQLITE_CORRUPT at /home/officer/secret/path')),
    };
    const result = await dispatch(buggy, 'custodian:app.info', {}, (_channel, error) => internal.push(error));
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('/home/officer');
    expect(internal).toHaveLength(1);
  });

  it('refuses a handler output that does not match the contract', async () => {
    const { handlers } = recordingHandlers();
    const leaky = {
      ...handlers,
      'custodian:app.info': () => Promise.resolve({ name: 'x', version: 'y', offline: false }),
    } as unknown as Handlers;
    const result = await dispatch(leaky, 'custodian:app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
