import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Argon2Params } from '../crypto/argon2';
import { ARGON2_MINIMUM } from '../crypto/argon2';
import { createPassphraseSlot, openPassphraseSlot } from './keySlots';

// The real Argon2id runs; the spy only records the parameters each derivation was given.
const derived = vi.hoisted(() => [] as Argon2Params[]);
vi.mock('../crypto/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../crypto/argon2')>();
  return {
    ...actual,
    deriveArgon2: (passphrase: Uint8Array, params: Argon2Params) => {
      derived.push(params);
      return actual.deriveArgon2(passphrase, params);
    },
  };
});

const VAULT = randomUUID();
const DATA_KEY = randomBytes(32);
/** Costlier than the minimum, as calibration writes on a fast machine. */
const SLOT_COST = { alg: 'argon2id' as const, m: ARGON2_MINIMUM.m, t: ARGON2_MINIMUM.t + 2, p: ARGON2_MINIMUM.p };

describe('openPassphraseSlot', () => {
  it("spends on an unknown user name the same Argon2id cost as on the vault's real slot (not the minimum)", async () => {
    const slot = await createPassphraseSlot(VAULT, 'alice', Buffer.from('a passphrase long enough'), DATA_KEY, SLOT_COST);
    derived.length = 0;
    await expect(openPassphraseSlot(VAULT, [slot], 'mallory', Buffer.from('a guess'))).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await expect(openPassphraseSlot(VAULT, [slot], 'alice', Buffer.from('a guess'))).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const [unknown, known] = derived;
    expect({ m: unknown?.m, t: unknown?.t, p: unknown?.p }).toEqual({ m: SLOT_COST.m, t: SLOT_COST.t, p: SLOT_COST.p });
    expect({ m: known?.m, t: known?.t, p: known?.p }).toEqual({ m: SLOT_COST.m, t: SLOT_COST.t, p: SLOT_COST.p });
    // The dummy has its own salt: nothing of the real slot's derivation is repeated.
    expect(unknown?.salt).not.toBe(slot.kdf.salt);
  });

  it('refuses, without deriving anything, a header edited to ask for more memory or time than Custodian ever writes', async () => {
    const slot = await createPassphraseSlot(VAULT, 'alice', Buffer.from('a passphrase long enough'), DATA_KEY, SLOT_COST);
    for (const edit of [{ m: 64 * 1024 * 1024 }, { t: 100_000 }, { p: 255 }]) {
      const edited = { ...slot, kdf: { ...slot.kdf, ...edit } };
      derived.length = 0;
      // Asked as an unknown user too: the dummy must not borrow the edited parameters.
      for (const user of ['alice', 'mallory']) {
        await expect(openPassphraseSlot(VAULT, [edited], user, Buffer.from('a guess'))).rejects.toMatchObject({ code: 'vault_tampered' });
      }
      expect(derived).toEqual([]);
    }
  });
});
