import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { openVault } from './openVault';
import { serializeHeader } from './vaultHeader';
import type { VaultHeader } from './vaultHeader';

// Header edits made the way an attacker would: parse, change, write back in Custodian's exact
// byte form (so only the cryptographic checks stand in the way).

const noWait = { now: () => 0, sleep: () => Promise.resolve() };
const credential = { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) };

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

function editHeader(dir: string, edit: (header: VaultHeader) => VaultHeader): void {
  const file = join(dir, 'vault.header');
  writeFileSync(file, serializeHeader(edit(JSON.parse(readFileSync(file, 'utf8')) as VaultHeader)));
}

async function lockedVault(name = 'a.custodian') {
  const created = await makeVault(temp.dir, name);
  await created.session.lock();
  return created;
}

describe('vault.header tampering', () => {
  it('opens when untouched, and the header names no secret', async () => {
    const { dir } = await lockedVault();
    const text = readFileSync(join(dir, 'vault.header'), 'utf8');
    expect(text).not.toMatch(/AGE-SECRET-KEY|PRIVATE/);
    await (await openVault(dir, credential, { clock: noWait })).lock();
  });

  it('refuses KDF parameters lowered below the minimum, saying so', async () => {
    const { dir } = await lockedVault();
    editHeader(dir, (h) => ({
      ...h,
      slots: h.slots.map((s) => (s.kind === 'passphrase' ? { ...s, kdf: { ...s.kdf, m: 8 * 1024, t: 1 } } : s)),
    }));
    await expect(openVault(dir, credential, { clock: noWait })).rejects.toMatchObject({
      code: 'vault_tampered',
      message: expect.stringMatching(/weaker key derivation/) as unknown,
    });
  });

  it('refuses KDF parameters changed above the minimum (the slot no longer opens)', async () => {
    const { dir } = await lockedVault();
    editHeader(dir, (h) => ({
      ...h,
      slots: h.slots.map((s) => (s.kind === 'passphrase' ? { ...s, kdf: { ...s.kdf, t: s.kdf.t + 1 } } : s)),
    }));
    await expect(openVault(dir, credential, { clock: noWait })).rejects.toMatchObject({ code: 'wrong_passphrase' });
  });

  it('refuses reordered or removed slots (header MAC)', async () => {
    const { dir } = await lockedVault();
    editHeader(dir, (h) => ({ ...h, slots: [...h.slots].reverse() }));
    await expect(openVault(dir, credential, { clock: noWait })).rejects.toMatchObject({ code: 'vault_tampered' });
    editHeader(dir, (h) => ({ ...h, slots: [...h.slots].reverse().filter((s) => s.kind === 'passphrase') }));
    await expect(openVault(dir, credential, { clock: noWait })).rejects.toMatchObject({ code: 'vault_tampered' });
  });

  it('refuses an edited vault id', async () => {
    const { dir } = await lockedVault();
    editHeader(dir, (h) => ({ ...h, vaultId: '00000000-0000-4000-8000-000000000000' }));
    await expect(openVault(dir, credential, { clock: noWait })).rejects.toThrow();
  });

  it('refuses a slot swapped in from another vault whose passphrase the attacker knows', async () => {
    const victim = await lockedVault('victim.custodian');
    const attacker = await lockedVault('attacker.custodian');
    const attackerHeader = JSON.parse(readFileSync(join(attacker.dir, 'vault.header'), 'utf8')) as VaultHeader;
    // Same user name and passphrase in both vaults: take the attacker's slot, keep victim's id.
    editHeader(victim.dir, (h) => ({ ...h, slots: [...attackerHeader.slots] }));
    await expect(openVault(victim.dir, credential, { clock: noWait })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    // ... and with the attacker's vault id too: the DEK unwraps, but the header MAC fails.
    editHeader(victim.dir, (h) => ({ ...h, vaultId: attackerHeader.vaultId }));
    await expect(openVault(victim.dir, credential, { clock: noWait })).rejects.toMatchObject({ code: 'vault_tampered' });
  });

  it('refuses a header whose bytes differ from the canonical form, even if it means the same', async () => {
    const { dir } = await lockedVault();
    const file = join(dir, 'vault.header');
    writeFileSync(file, readFileSync(file, 'utf8').replace('\n  ', '\n   '));
    await expect(openVault(dir, credential, { clock: noWait })).rejects.toMatchObject({ code: 'vault_tampered' });
  });

  it('refuses a header from a newer Custodian with a clear message', async () => {
    const { dir } = await lockedVault();
    editHeader(dir, (h) => ({ ...h, version: 2 }));
    await expect(openVault(dir, credential, { clock: noWait })).rejects.toMatchObject({ code: 'unsupported_version' });
  });
});
