import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { publicKeyBase64 } from '../vault/keySlots';
import { keysFor, matchPatternList, parseAllowedSigners } from './allowedSigners';
import { sshPublicKeyLine, sshsigArmor, sshsigSignature } from './sshsig';

// The outside judge is OpenSSH's own `ssh-keygen -Y verify` (Debian's openssh-client): for each
// allowed_signers line, identity and namespace, it accepts a signature exactly when keysFor
// gives the signing key.

const temp = tempDir('custodian-allowed-signers-');
afterAll(() => temp.cleanup());

const { privateKey } = generateKeyPairSync('ed25519');
const publicKey = Buffer.from(publicKeyBase64(privateKey), 'base64');
const KEY = sshPublicKeyLine(publicKey);
const other = Buffer.from(publicKeyBase64(generateKeyPairSync('ed25519').privateKey), 'base64');

/** Whether keysFor allows the signing key for `identity` and `namespace`. */
const allows = (text: string, identity: string | null, namespace: string, now?: Date): boolean =>
  keysFor(parseAllowedSigners(text), identity, namespace, now).some((key) => key.equals(publicKey));

describe('parseAllowedSigners', () => {
  it('reads principals, options and the key, skipping blank and # lines, numbering lines from 1', () => {
    const text = `# keys we trust\n\n"alice,bob" namespaces="custodian-packet",valid-after="20200102",valid-before="20300101123000Z" ${KEY} a comment\r\nmallory ssh-rsa AAAAB3NzaC1yc2E=\n`;
    const [first, second] = parseAllowedSigners(text);
    expect(first).toMatchObject({ line: 3, principals: 'alice,bob', namespaces: 'custodian-packet', certAuthority: false, keyType: 'ssh-ed25519' });
    expect(first?.publicKey?.equals(publicKey)).toBe(true);
    // valid-after without Z is local time, as ssh-keygen reads it; with Z, UTC.
    expect(first?.validAfter?.getTime()).toBe(new Date(2020, 0, 2).getTime());
    expect(first?.validBefore?.toISOString()).toBe('2030-01-01T12:30:00.000Z');
    // Another key type parses, but gives no key this verifier can use.
    expect(second).toMatchObject({ line: 4, principals: 'mallory', keyType: 'ssh-rsa', publicKey: null });
    expect(parseAllowedSigners('\n# nothing\n')).toEqual([]);
  });

  it('refuses a malformed line, naming it by its number', () => {
    const ok = `ok ${KEY}\n# a comment\n\n`;
    expect(() => parseAllowedSigners(`${ok}alice\n`)).toThrow(/^line 4 has fewer than three fields$/);
    expect(() => parseAllowedSigners(`${ok}alice valid-before="2030" ${KEY}\n`)).toThrow(/^line 4 has an unreadable valid-before time$/);
    expect(() => parseAllowedSigners(`${ok}alice namespaces="custodian-packet ${KEY}\n`)).toThrow(/^line 4 has an unterminated quote$/);
    expect(() => parseAllowedSigners(`${ok}alice frobnicate ${KEY}\n`)).toThrow(/^line 4 has an option ssh-keygen does not know \(frobnicate\)$/);
    expect(() => parseAllowedSigners(`${ok}alice cert-authority\n`)).toThrow(/^line 4 has fewer than three fields$/);
    expect(() => parseAllowedSigners(`${ok}alice cert-authority ssh-ed25519\n`)).toThrow(/^line 4 has no key after the options$/);
    expect(() => parseAllowedSigners(`${ok}alice cert-authority foo-key AAAA\n`)).toThrow(/^line 4 has an unknown key type \(foo-key\)$/);
    expect(() => parseAllowedSigners(`${ok}alice ssh-ed25519 AAAAnotakey\n`)).toThrow(/^line 4 has an ssh-ed25519 key that does not decode$/);
    expect(() => parseAllowedSigners(`${ok}alice ${sshPublicKeyLine(publicKey).slice(0, -4)}\n`)).toThrow(
      /^line 4 has an ssh-ed25519 key that does not decode$/,
    );
    expect(() => parseAllowedSigners(`${ok}"alice"bob ${KEY}\n`)).toThrow(/^line 4 has a quoted principals field with more after its quote$/);
  });
});

describe('matchPatternList', () => {
  it('matches * and ? against the whole name, case-sensitively, with every other character literal', () => {
    expect(matchPatternList('alice', 'alice')).toBe(true);
    expect(matchPatternList('alice', 'al*')).toBe(true);
    expect(matchPatternList('alice', '*')).toBe(true);
    expect(matchPatternList('alice', 'al?ce')).toBe(true);
    expect(matchPatternList('alice', 'al?e')).toBe(false);
    expect(matchPatternList('alice', 'ali')).toBe(false);
    expect(matchPatternList('alice', 'Alice')).toBe(false);
    expect(matchPatternList('a.b', 'a.b')).toBe(true);
    expect(matchPatternList('axb', 'a.b')).toBe(false);
    expect(matchPatternList('a+b', 'a+b')).toBe(true);
    expect(matchPatternList('aab', 'a+b')).toBe(false);
  });

  it('compares UTF-8 bytes, as OpenSSH does: ? is one byte, not one character', () => {
    expect(matchPatternList('zo\u00eb', 'zo?')).toBe(false);
    expect(matchPatternList('zo\u00eb', 'zo??')).toBe(true);
    expect(matchPatternList('zo\u00eb', 'z*\u00eb')).toBe(true);
  });

  it('takes time linear in the pattern for many stars and no match (no catastrophic backtracking)', () => {
    for (const [value, pattern] of [
      ['custodian-packet', `${'*'.repeat(40)}z`],
      ['custodian-packet', '*****************************z'],
      ['a'.repeat(200), `${'*a'.repeat(60)}b`],
      ['a'.repeat(200), `${'a*'.repeat(60)}?b`],
    ] as const) {
      const started = performance.now();
      expect(matchPatternList(value, pattern)).toBe(false);
      expect(allows(`alice namespaces="${pattern}" ${KEY}\n`, 'alice', value)).toBe(false);
      expect(performance.now() - started).toBeLessThan(50);
    }
  });

  it('agrees with a dynamic-programming reference matcher on any pattern of *, ? and literals', () => {
    /** Row by row: after each pattern character, which prefixes of the text the pattern so far matches. */
    const reference = (text: string, glob: string): boolean => {
      let matches = [true, ...new Array<boolean>(text.length).fill(false)];
      for (const g of glob) {
        const next = new Array<boolean>(text.length + 1).fill(false);
        for (let j = 0; j <= text.length; j += 1) {
          if (g === '*') next[j] = matches[j] === true || (j > 0 && next[j - 1] === true);
          else next[j] = j > 0 && matches[j - 1] === true && (g === '?' || g === text[j - 1]);
        }
        matches = next;
      }
      return matches[text.length] === true;
    };
    const letters = fc.constantFrom('a', 'b', '-');
    fc.assert(
      fc.property(
        fc.string({ unit: letters, maxLength: 12 }),
        fc.string({ unit: fc.oneof(letters, fc.constantFrom('*', '?')), maxLength: 10 }),
        (text, glob) => {
          expect(matchPatternList(text, glob)).toBe(reference(text, glob));
        },
      ),
      { seed: 20260105, numRuns: 2000 },
    );
  });

  it('takes any pattern of the list, but a matching negated one (!) refuses, wherever it stands', () => {
    expect(matchPatternList('alice', 'bob,alice')).toBe(true);
    expect(matchPatternList('alice', 'bob,carol')).toBe(false);
    expect(matchPatternList('alice', '*,!alice')).toBe(false);
    expect(matchPatternList('alice', '!alice,*')).toBe(false);
    expect(matchPatternList('alice', '!al*,alice')).toBe(false);
    expect(matchPatternList('bob', '*,!alice')).toBe(true);
    // A negation alone matches nothing: it only vetoes.
    expect(matchPatternList('bob', '!alice')).toBe(false);
  });
});

describe('keysFor', () => {
  it('gives the keys of the lines whose principals match the identity (any line for a null identity)', () => {
    const text = `alice ${KEY}\nbob ${sshPublicKeyLine(other)}\n*,!mallory ${KEY}\n`;
    expect(keysFor(parseAllowedSigners(text), 'alice', 'custodian-packet')).toEqual([publicKey, publicKey]);
    expect(keysFor(parseAllowedSigners(text), 'bob', 'custodian-packet')).toEqual([other, publicKey]);
    expect(keysFor(parseAllowedSigners(text), 'mallory', 'custodian-packet')).toEqual([]);
    expect(keysFor(parseAllowedSigners(text), null, 'custodian-packet')).toEqual([publicKey, other, publicKey]);
  });

  it('honours namespaces="...": only the namespaces listed (patterns allowed); every namespace without it', () => {
    expect(allows(`alice namespaces="custodian-checkpoint" ${KEY}\n`, 'alice', 'custodian-packet')).toBe(false);
    expect(allows(`alice namespaces="custodian-checkpoint" ${KEY}\n`, 'alice', 'custodian-checkpoint')).toBe(true);
    expect(allows(`alice namespaces="custodian-checkpoint,custodian-packet" ${KEY}\n`, 'alice', 'custodian-packet')).toBe(true);
    expect(allows(`alice namespaces="custodian-*,!custodian-checkpoint" ${KEY}\n`, 'alice', 'custodian-packet')).toBe(true);
    expect(allows(`alice namespaces="custodian-*,!custodian-checkpoint" ${KEY}\n`, 'alice', 'custodian-checkpoint')).toBe(false);
    expect(allows(`alice ${KEY}\n`, 'alice', 'anything')).toBe(true);
  });

  it('refuses a key outside valid-after / valid-before at `now`', () => {
    const expired = `alice valid-before="20200101Z" ${KEY}\n`;
    expect(allows(expired, 'alice', 'custodian-packet')).toBe(false);
    expect(allows(expired, 'alice', 'custodian-packet', new Date('2019-12-31T23:59:59Z'))).toBe(true);
    const future = `alice valid-after="29990101Z" ${KEY}\n`;
    expect(allows(future, 'alice', 'custodian-packet')).toBe(false);
    expect(allows(future, 'alice', 'custodian-packet', new Date('2999-01-01T00:00:00Z'))).toBe(true);
  });

  it('refuses a cert-authority line: it vouches for certificates, which this verifier does not read', () => {
    expect(allows(`alice cert-authority ${KEY}\n`, 'alice', 'custodian-packet')).toBe(false);
    expect(allows(`alice cert-authority ${KEY}\nalice ${KEY}\n`, 'alice', 'custodian-packet')).toBe(true);
  });

  it('agrees with ssh-keygen -Y verify', () => {
    const message = Buffer.from('tagmanifest bytes\n');
    const signatures = new Map(
      ['custodian-packet', 'custodian-checkpoint'].map((namespace) => {
        const path = join(temp.dir, `${namespace}.sig`);
        writeFileSync(path, sshsigArmor(publicKey, namespace, sshsigSignature(message, namespace, privateKey)));
        return [namespace, path];
      }),
    );
    const cases: [line: string, identity: string, namespace: string][] = [
      [`alice ${KEY}`, 'alice', 'custodian-packet'],
      [`alice ${KEY}`, 'Alice', 'custodian-packet'],
      [`al* ${KEY}`, 'alice', 'custodian-packet'],
      [`al?ce ${KEY}`, 'alice', 'custodian-packet'],
      [`al?e ${KEY}`, 'alice', 'custodian-packet'],
      [`zo? ${KEY}`, 'zo\u00eb', 'custodian-packet'],
      [`zo?? ${KEY}`, 'zo\u00eb', 'custodian-packet'],
      [`a*c*e ${KEY}`, 'alice', 'custodian-packet'],
      [`a*c*x ${KEY}`, 'alice', 'custodian-packet'],
      [`alice namespaces="cust*-?acket" ${KEY}`, 'alice', 'custodian-packet'],
      [`bob,alice ${KEY}`, 'alice', 'custodian-packet'],
      [`*,!alice ${KEY}`, 'alice', 'custodian-packet'],
      [`*,!alice ${KEY}`, 'bob', 'custodian-packet'],
      [`!alice ${KEY}`, 'bob', 'custodian-packet'],
      [`alice namespaces="custodian-checkpoint" ${KEY}`, 'alice', 'custodian-packet'],
      [`alice namespaces="custodian-checkpoint" ${KEY}`, 'alice', 'custodian-checkpoint'],
      [`alice namespaces="custodian-*,!custodian-checkpoint" ${KEY}`, 'alice', 'custodian-checkpoint'],
      [`alice namespaces="custodian-*,!custodian-checkpoint" ${KEY}`, 'alice', 'custodian-packet'],
      [`alice valid-before="20200101Z" ${KEY}`, 'alice', 'custodian-packet'],
      [`alice valid-after="29990101Z" ${KEY}`, 'alice', 'custodian-packet'],
      [`alice valid-after="20200101",valid-before="29990101" ${KEY}`, 'alice', 'custodian-packet'],
      [`alice cert-authority ${KEY}`, 'alice', 'custodian-packet'],
    ];
    for (const [line, identity, namespace] of cases) {
      const file = join(temp.dir, 'allowed_signers');
      writeFileSync(file, `${line}\n`);
      const judged = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', file, '-I', identity, '-n', namespace, '-s', signatures.get(namespace) ?? ''], {
        input: message,
      });
      expect(allows(`${line}\n`, identity, namespace), `${line} for ${identity} in ${namespace}`).toBe(judged.status === 0);
    }
  });
});
