import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildTestPacket, checkpointFiles, dualDirectoryZip, gapEntryZip, testKey, writePacketZip } from '../support/testPacket';
import type { TestPacket } from '../support/testPacket';
import { tempDir } from '../support/tempVault';
import { addPacketVerifyCommand } from '../../src/cli/commands/packetVerifyCommand';
import { exitCodeFor } from '../../src/cli/exitCodes';
import { entryLeafHex } from '../../src/core/audit/auditLog';
import type { AuditEntry } from '../../src/core/audit/auditLog';
import { sshPublicKeyLine } from '../../src/core/crypto/sshsig';
import { PAYLOAD, TAG_FILES } from '../../src/core/packet/packetFormat';
import type { PacketProofs } from '../../src/core/packet/packetFormat';
import { openPacketArchive } from '../../src/core/packet/readPacketArchive';
import type { ArchiveLimits } from '../../src/core/packet/readPacketArchive';
import { parseAllowedSigners, parseSshsigArmor, verifyPacket } from '../../src/core/packet/verifyPacket';
import type { PacketVerdict } from '../../src/core/packet/verifyPacket';

// `packet verify` against packets built from the format by tests/support/testPacket.ts (real
// keys, checkpoint and Merkle proofs), with OpenSSH and coreutils as outside judges, and against
// hostile zips written byte by byte.

const temp = tempDir('custodian-packet-verify-');
afterAll(() => {
  temp.cleanup();
});

let serial = 0;
function tempPath(name: string): string {
  serial += 1;
  return join(temp.dir, `${String(serial)}-${name}`);
}

async function zipOf(packet: Pick<TestPacket, 'root'>, files: ReadonlyMap<string, Uint8Array>): Promise<string> {
  const out = tempPath('packet.zip');
  await writePacketZip(packet.root, files, out);
  return out;
}

const base = buildTestPacket();
const allowedLine = (principal: string, key: Buffer, namespaces = 'custodian-packet'): string =>
  `${principal} namespaces="${namespaces}" ${sshPublicKeyLine(key)}\n`;

function check(verdict: PacketVerdict, name: string) {
  return verdict.checks.find((c) => c.name === name);
}

function failedChecks(verdict: PacketVerdict): string[] {
  return verdict.checks.filter((c) => !c.ok).map((c) => c.name);
}

describe('a packet as built', () => {
  it('verifies: every check holds, self-asserted trust, the signer and fingerprint named', async () => {
    const file = await zipOf(base, base.files);
    const progress: [number, number][] = [];
    const verdict = await verifyPacket(file, { onProgress: (done, total) => progress.push([done, total]) });
    expect(verdict.checks.map((c) => [c.name, c.ok])).toEqual(
      ['archive', 'bagit', 'signature', 'tagmanifest', 'manifest-sha256', 'manifest-sha512', 'payload-oxum', 'checkpoint', 'proofs'].map((n) => [n, true]),
    );
    expect(verdict).toMatchObject({
      ok: true,
      packetId: base.packetId,
      signer: { identity: 'ada', fingerprint: base.signer.fingerprint, trust: 'self-asserted' },
      checkpoint: { size: 12 },
      files: base.files.size,
      problems: [],
    });
    expect(check(verdict, 'signature')?.reason).toMatch(/self-asserted/);
    expect(check(verdict, 'proofs')?.reason).toMatch(/^4 cited log entries proven in the log of 12 entries; consistent with 1 earlier/);
    const total = [...base.files.values()].reduce((sum, b) => sum + b.length, 0);
    expect(progress.at(-1)).toEqual([total, total]);
  });

  it('names the signer by the allowed_signers principal of a user name with a space', async () => {
    const packet = buildTestPacket({ user: 'Ada Lovelace' });
    const verdict = await verifyPacket(await zipOf(packet, packet.files));
    expect(verdict).toMatchObject({ ok: true, signer: { identity: 'Ada_Lovelace', trust: 'self-asserted' } });
  });

  it('passes the outside judges on the unpacked packet: ssh-keygen -Y verify, sha256sum -c, sha512sum -c', async () => {
    const file = await zipOf(base, base.files);
    const dir = tempPath('unpacked');
    expect(spawnSync('unzip', ['-q', file, '-d', dir]).status).toBe(0);
    const bag = join(dir, base.root);
    const run = (command: string, args: string[], input?: Buffer) => spawnSync(command, args, { cwd: bag, input, encoding: 'utf8' });
    const packetSig = run(
      'ssh-keygen',
      ['-Y', 'verify', '-f', 'allowed_signers', '-I', 'ada', '-n', 'custodian-packet', '-s', TAG_FILES.signature],
      base.files.get(TAG_FILES.tagmanifest),
    );
    expect(packetSig.stdout + packetSig.stderr).toMatch(/Good "custodian-packet" signature for ada/);
    expect(packetSig.status).toBe(0);
    for (const [tool, manifest] of [
      ['sha256sum', TAG_FILES.tagmanifest],
      ['sha256sum', TAG_FILES.manifest256],
      ['sha512sum', TAG_FILES.manifest512],
    ] as const) {
      const result = run(tool, ['--strict', '-c', manifest]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
    const noteSig = run(
      'ssh-keygen',
      ['-Y', 'verify', '-f', PAYLOAD.logAllowedSigners, '-I', 'ada', '-n', 'custodian-checkpoint', '-s', PAYLOAD.checkpointSig],
      base.files.get(PAYLOAD.checkpoint),
    );
    expect(noteSig.status).toBe(0);
    // The judges can fail: a changed manifest line and a changed note are caught by them too.
    writeFileSync(join(bag, 'data/report.pdf'), 'altered');
    expect(run('sha256sum', ['-c', TAG_FILES.manifest256]).status).not.toBe(0);
    const forged = Buffer.from(base.note.replace('signer ada', 'signer eve'));
    expect(
      run('ssh-keygen', ['-Y', 'verify', '-f', PAYLOAD.logAllowedSigners, '-I', 'ada', '-n', 'custodian-checkpoint', '-s', PAYLOAD.checkpointSig], forged)
        .status,
    ).not.toBe(0);
  });

  it('reads SSHSIG armor exactly as ssh-keygen -Y sign writes it, and nothing else', () => {
    const dir = tempPath('sshkey');
    expect(spawnSync('mkdir', [dir]).status).toBe(0);
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'judge', '-f', join(dir, 'key')]).status).toBe(0);
    const message = join(dir, 'message');
    writeFileSync(message, 'tagmanifest bytes\n');
    expect(spawnSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', join(dir, 'key'), '-n', 'custodian-packet', message]).status).toBe(0);
    const armor = readFileSync(`${message}.sig`, 'utf8');
    const parsed = parseSshsigArmor(armor);
    const pubBlob = Buffer.from(readFileSync(join(dir, 'key.pub'), 'utf8').split(' ')[1] ?? '', 'base64');
    expect(parsed?.namespace).toBe('custodian-packet');
    expect(parsed?.publicKey.equals(pubBlob.subarray(19))).toBe(true);
    expect(parseSshsigArmor(armor.replace(/\n-----END/, '\n\n-----END'))).toBeNull();
    expect(parseSshsigArmor(armor.replace('-----BEGIN SSH SIGNATURE-----\n', '-----BEGIN SSH SIGNATURE-----\r\n'))).toBeNull();
  });
});

describe('tampering with a packet', () => {
  const TAG_ONLY_SIGNED = new Set<string>([TAG_FILES.tagmanifest, TAG_FILES.signature]);

  it.each([...base.files.keys()])('a single changed byte in %s fails, naming that file or check', async (path) => {
    const bytes = base.files.get(path) ?? Buffer.alloc(0);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (offset, mask) => {
        const files = new Map(base.files);
        const altered = Buffer.from(bytes);
        altered[offset] = (altered[offset] ?? 0) ^ mask;
        files.set(path, altered);
        const verdict = await verifyPacket(await zipOf(base, files));
        expect(verdict.ok).toBe(false);
        if (TAG_ONLY_SIGNED.has(path)) {
          expect(check(verdict, 'signature')?.ok).toBe(false);
        } else if (path.startsWith('data/')) {
          expect(verdict.problems).toContainEqual({ path, kind: 'altered', checks: ['manifest-sha256', 'manifest-sha512'] });
          expect(check(verdict, 'manifest-sha256')?.reason).toContain(path);
          expect(check(verdict, 'manifest-sha512')?.reason).toContain(path);
        } else {
          expect(verdict.problems).toContainEqual({ path, kind: 'altered', checks: ['tagmanifest'] });
          expect(check(verdict, 'tagmanifest')?.reason).toContain(`${path} was altered`);
        }
      }),
      { seed: 20260105, numRuns: 3 },
    );
  });

  it('an added payload file fails as extra, and Payload-Oxum no longer holds', async () => {
    const files = new Map(base.files).set('data/records/smuggled.csv', Buffer.from('x\n'));
    const verdict = await verifyPacket(await zipOf(base, files));
    expect(verdict.problems).toEqual([{ path: 'data/records/smuggled.csv', kind: 'extra', checks: ['manifest-sha256', 'manifest-sha512'] }]);
    expect(failedChecks(verdict)).toEqual(['manifest-sha256', 'manifest-sha512', 'payload-oxum']);
    expect(check(verdict, 'manifest-sha256')?.reason).toBe('not in the manifest: data/records/smuggled.csv');
  });

  it('an added tag file or a file outside data/ fails as extra', async () => {
    const tag = await verifyPacket(await zipOf(base, new Map(base.files).set('notes.txt', Buffer.from('hi'))));
    expect(tag.problems).toEqual([{ path: 'notes.txt', kind: 'extra', checks: ['tagmanifest'] }]);
    expect(failedChecks(tag)).toEqual(['tagmanifest']);
    const outside = await verifyPacket(await zipOf(base, new Map(base.files).set('extra/x.txt', Buffer.from('hi'))));
    expect(outside.problems).toEqual([{ path: 'extra/x.txt', kind: 'extra', checks: ['bagit'] }]);
    expect(failedChecks(outside)).toEqual(['bagit']);
  });

  it.each([
    ['data/report.pdf', ['manifest-sha256', 'manifest-sha512', 'payload-oxum'], ['manifest-sha256', 'manifest-sha512']],
    [TAG_FILES.bagInfo, ['bagit', 'tagmanifest', 'payload-oxum'], ['bagit', 'tagmanifest']],
    [TAG_FILES.manifest512, ['tagmanifest', 'manifest-sha512'], ['tagmanifest', 'manifest-sha512']],
    [TAG_FILES.signature, ['signature'], ['signature']],
  ])('a removed %s fails as missing', async (path, checks, problemChecks) => {
    const files = new Map(base.files);
    files.delete(path);
    const verdict = await verifyPacket(await zipOf(base, files));
    expect(verdict.problems).toEqual([{ path, kind: 'missing', checks: problemChecks }]);
    expect(failedChecks(verdict)).toEqual(expect.arrayContaining(checks));
  });

  it('a tag file too large to parse is named as such, not read into memory', async () => {
    const files = new Map(base.files).set(TAG_FILES.bagInfo, Buffer.from(randomBytes(600 * 1024).toString('hex')));
    const verdict = await verifyPacket(await zipOf(base, files));
    expect(check(verdict, 'bagit')?.reason).toMatch(/^bag-info\.txt is larger than the 1048576 bytes such a file may have/);
    expect(verdict.problems).toEqual([{ path: TAG_FILES.bagInfo, kind: 'altered', checks: ['tagmanifest'] }]);
  });

  it('a renamed file fails as one missing and one extra', async () => {
    const files = new Map(base.files);
    files.set('data/report-final.pdf', files.get('data/report.pdf') ?? Buffer.alloc(0));
    files.delete('data/report.pdf');
    const verdict = await verifyPacket(await zipOf(base, files));
    expect(verdict.problems).toEqual([
      { path: 'data/report-final.pdf', kind: 'extra', checks: ['manifest-sha256', 'manifest-sha512'] },
      { path: 'data/report.pdf', kind: 'missing', checks: ['manifest-sha256', 'manifest-sha512'] },
    ]);
    expect(failedChecks(verdict)).toEqual(['manifest-sha256', 'manifest-sha512']);
  });

  it('a byte flipped inside the zip file itself is caught (CRC-32 and hashes)', async () => {
    const file = await zipOf(base, base.files);
    const zip = readFileSync(file);
    const workbook = base.files.get('data/workbook.xlsx') ?? Buffer.alloc(0);
    const at = zip.indexOf(workbook.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    zip[at + 1000] = (zip[at + 1000] ?? 0) ^ 0x01;
    writeFileSync(file, zip);
    const verdict = await verifyPacket(file);
    expect(check(verdict, 'archive')).toMatchObject({ ok: false, reason: expect.stringMatching(/data\/workbook\.xlsx" does not match its CRC-32/) as unknown });
    expect(verdict.problems).toContainEqual({ path: 'data/workbook.xlsx', kind: 'altered', checks: ['manifest-sha256', 'manifest-sha512'] });
  });
});

describe('what the signature covers holds together (a validly signed but inconsistent packet)', () => {
  function proofsEdit(edit: (proofs: PacketProofs) => void) {
    return (files: Map<string, Buffer>) => {
      const proofs = JSON.parse(files.get(PAYLOAD.proofs)?.toString() ?? '') as PacketProofs;
      edit(proofs);
      files.set(PAYLOAD.proofs, Buffer.from(JSON.stringify(proofs)));
    };
  }

  it.each([
    [
      'a cited entry edited after the fact',
      proofsEdit((p) => {
        if (p.inclusion[1]) p.inclusion[1].entry.reason = 'backdated';
      }),
      'proofs',
      /inclusion proof of entries 3 does not verify/,
    ],
    [
      'an entry claimed at another position',
      proofsEdit((p) => {
        if (p.inclusion[2]) p.inclusion[2].entry.seq = 6;
      }),
      'proofs',
      /inclusion proof of entries 6 does not verify/,
    ],
    [
      'a consistency proof path edited',
      proofsEdit((p) => {
        if (p.consistency[0]) p.consistency[0].path[0] = 'ab'.repeat(32);
      }),
      'proofs',
      /consistency proof from earlier packet PKT-2025-0007 \(5 entries\) does not verify/,
    ],
    ['proofs against another root', proofsEdit((p) => (p.root = 'cd'.repeat(32))), 'checkpoint', /proves against a different log/, 'proofs'],
    ['proofs with a stray field', proofsEdit((p) => Object.assign(p, { note: 1 })), 'proofs', /not in the custodian-packet-proofs\/1 format/],
    [
      'a checkpoint note signed by a key not in data/audit/allowed_signers',
      (files: Map<string, Buffer>, log: { leaves: Buffer[] }) => {
        const forged = checkpointFiles(log.leaves, 12, testKey());
        files.set(PAYLOAD.checkpoint, Buffer.from(forged.note));
        files.set(PAYLOAD.checkpointSig, Buffer.from(forged.sig));
      },
      'checkpoint',
      /is not signed by a key in data\/audit\/allowed_signers/,
    ],
    [
      'an SSHSIG twin by another key',
      (files: Map<string, Buffer>, log: { leaves: Buffer[]; olderKey: ReturnType<typeof testKey> }) => {
        files.set(PAYLOAD.checkpointSig, Buffer.from(checkpointFiles(log.leaves, 12, log.olderKey).sig));
      },
      'checkpoint',
      /checkpoint\.txt\.sig is not a good signature/,
    ],
  ] as const)('%s fails %s', async (_what, editPayload, failing, reason, alsoFailing?: string) => {
    const packet = buildTestPacket({ editPayload });
    const verdict = await verifyPacket(await zipOf(packet, packet.files));
    // (Inclusion proofs against a changed root fail too.)
    expect(failedChecks(verdict)).toEqual(alsoFailing === undefined ? [failing] : [failing, alsoFailing]);
    expect(check(verdict, failing)?.reason).toMatch(reason);
    expect(verdict.problems).toEqual([]);
  });

  it('bag-info that disagrees with the checkpoint, the signer key or the folder fails', async () => {
    const edit = (label: string, value: string) => (fields: [string, string][]) => fields.map(([l, v]): [string, string] => [l, l === label ? value : v]);
    const cases = [
      ['Custodian-Checkpoint', '11 AAAA', 'checkpoint', /bag-info\.txt states the checkpoint 11 AAAA/],
      ['Custodian-Signer-Fingerprint', testKey().fingerprint, 'signature', /bag-info\.txt names the signer key/],
      ['External-Identifier', 'PKT-OTHER', 'bagit', /folder packet-PKT-2026-0001\/ does not match External-Identifier PKT-OTHER/],
    ] as const;
    for (const [label, value, failing, reason] of cases) {
      const packet = buildTestPacket({ editBagInfo: edit(label, value) });
      const verdict = await verifyPacket(await zipOf(packet, packet.files));
      expect(failedChecks(verdict)).toEqual([failing]);
      expect(check(verdict, failing)?.reason).toMatch(reason);
    }
  });
});

describe('entries whose free text is withheld from the audience', () => {
  type Item = Record<string, unknown> & { entry: AuditEntry };
  /** Edits proofs.json's inclusion items as JSON (the fields a builder may add included). */
  const itemsEdit = (edit: (items: Item[]) => void) => (files: Map<string, Buffer>) => {
    const proofs = JSON.parse(files.get(PAYLOAD.proofs)?.toString() ?? '') as { inclusion: Item[] };
    edit(proofs.inclusion);
    files.set(PAYLOAD.proofs, Buffer.from(JSON.stringify(proofs)));
  };
  /** As the builder writes it: reason null, withheld named, the real leaf given. */
  const withhold = (item: Item): void => {
    Object.assign(item, { entry: { ...item.entry, reason: null }, withheld: ['reason'], leaf: entryLeafHex(item.entry) });
  };
  const at = (items: Item[], seq: number): Item => items.find((i) => i.entry.seq === seq) ?? ({} as Item);

  it.each([
    [
      "one entry's reason withheld (the one entry with a reason)",
      (items: Item[]) => withhold(at(items, 7)),
      /^4 cited log entries proven .*; 1 entry's free text withheld \(their leaves proven; their other fields cannot be checked without the text\)$/,
    ],
    ["every entry's reason withheld", (items: Item[]) => items.forEach(withhold), /; 4 entries' free text withheld \(their leaves proven/],
    [
      "no reason withheld but every leaf given (each the entry's own)",
      (items: Item[]) => items.forEach((i) => Object.assign(i, { leaf: entryLeafHex(i.entry) })),
      /^4 cited log entries proven in the log of 12 entries; consistent with 1 earlier packet checkpoint\(s\)$/,
    ],
  ] as const)('verify with %s, proving the leaves given and saying how many were withheld', async (_what, edit, reason) => {
    const packet = buildTestPacket({ editPayload: itemsEdit(edit) });
    const verdict = await verifyPacket(await zipOf(packet, packet.files));
    expect(failedChecks(verdict)).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(check(verdict, 'proofs')?.reason).toMatch(reason);
  });

  it.each([
    [
      'a withheld entry whose leaf is another entry',
      (items: Item[]) => {
        withhold(at(items, 7));
        at(items, 7).leaf = entryLeafHex(at(items, 3).entry);
      },
      /^the inclusion proof of entries 7 does not verify; 1 entry's free text withheld/,
    ],
    [
      'a whole entry with a leaf that is not its own',
      (items: Item[]) => (at(items, 3).leaf = entryLeafHex(at(items, 0).entry)),
      /^the leaf given for entries 3 is not the entry's own$/,
    ],
    [
      'a withheld reason that is still there',
      (items: Item[]) => Object.assign(at(items, 7), { withheld: ['reason'], leaf: entryLeafHex(at(items, 7).entry) }),
      /\(inclusion\.2\.entry\.reason: must be null, as it is withheld\)/,
    ],
    [
      'another field withheld',
      (items: Item[]) => {
        withhold(at(items, 7));
        at(items, 7).withheld = ['actor'];
      },
      /\(inclusion\.2\.withheld: expected \["reason"\] \(only an entry's free text may be withheld\)\)/,
    ],
    [
      'reason withheld twice',
      (items: Item[]) => {
        withhold(at(items, 7));
        at(items, 7).withheld = ['reason', 'reason'];
      },
      /\(inclusion\.2\.withheld: expected \["reason"\]/,
    ],
    [
      'a withheld entry without its leaf',
      (items: Item[]) => {
        withhold(at(items, 7));
        delete at(items, 7).leaf;
      },
      /\(inclusion\.2\.leaf: missing \(an entry with a withheld field needs its leaf\)\)/,
    ],
  ] as const)('fail for %s', async (_what, edit, reason) => {
    const packet = buildTestPacket({ editPayload: itemsEdit(edit) });
    const verdict = await verifyPacket(await zipOf(packet, packet.files));
    expect(failedChecks(verdict)).toEqual(['proofs']);
    expect(check(verdict, 'proofs')?.reason).toMatch(reason);
  });
});

describe('a proofs.json too large or too long is refused without parsing it all', () => {
  const HEAD = `{"format":"custodian-packet-proofs/1","vaultId":"v","size":12,"root":"${'ab'.repeat(32)}",`;
  /**
   * `count` copies of `item`, comma-separated, with a random item every 64 so the file deflates
   * less than 1000 times over (a zip bomb is refused before any of this is read).
   */
  const many = (count: number, item: string): string =>
    Array.from({ length: count }, (_, i) => (i % 64 === 0 ? `{"r":"${randomBytes(6).toString('base64')}"}` : item)).join(',');

  it.each([
    [
      '17 MiB of {} (millions of objects)',
      () => `${HEAD}"inclusion":[${many(6_000_000, '{}')}],"consistency":[]}`,
      /^data\/audit\/proofs\.json is larger than the 16777216 bytes such a file may have$/,
    ],
    ['1,000,001 inclusion items', () => `${HEAD}"inclusion":[${many(1_000_001, '{}')}],"consistency":[]}`, /\(inclusion: more than 1000000 items\)$/],
    ['10,001 consistency items', () => `${HEAD}"inclusion":[],"consistency":[${many(10_001, '{}')}]}`, /\(consistency: more than 10000 items\)$/],
    [
      'an audit path of 65 hashes',
      () =>
        `${HEAD}"inclusion":[{"entry":${JSON.stringify(base.entries[0])},"path":${JSON.stringify(Array.from({ length: 65 }, () => 'cd'.repeat(32)))}}],"consistency":[]}`,
      /\(inclusion\.0\.path: more than 64 items\)$/,
    ],
    [
      'items that are all wrong (the first is named)',
      () => `${HEAD}"inclusion":[${many(300_000, '{}')}],"consistency":[]}`,
      /\(inclusion\.0: unexpected field "r"\)$/,
    ],
  ] as const)('%s', async (_what, proofsText, reason) => {
    const packet = buildTestPacket({ editPayload: (files) => files.set(PAYLOAD.proofs, Buffer.from(proofsText())) });
    const file = await zipOf(packet, packet.files);
    const verdict = await verifyPacket(file);
    expect(failedChecks(verdict)).toEqual(['proofs']);
    expect(check(verdict, 'proofs')?.reason).toMatch(reason);
  });
});

describe('--since: the packet log extends a checkpoint kept earlier', () => {
  it('passes with the earlier packet checkpoint, and with the packet own checkpoint', async () => {
    const file = await zipOf(base, base.files);
    const earlier = await verifyPacket(file, { since: base.earlierNote });
    expect(earlier.ok).toBe(true);
    expect(check(earlier, 'since')?.reason).toMatch(/extends the checkpoint you gave \(5 entries\)/);
    expect((await verifyPacket(file, { since: base.note })).ok).toBe(true);
  });

  it('fails on a rollback, a rewrite, a forged note, a size with no proof, and garbage', async () => {
    const file = await zipOf(base, base.files);
    const rewritten = checkpointFiles(
      base.leaves.map((leaf, i) => (i === 2 ? Buffer.alloc(32, 7) : leaf)),
      5,
      base.signer,
    ).note;
    const cases = [
      [base.longerNote, /rolled back: the packet's log has 12 entries, fewer than the 20/],
      [rewritten, /the log was rewritten/],
      [checkpointFiles(base.leaves, 5, testKey()).note, /is not signed by a key in data\/audit\/allowed_signers or your allowed signers/],
      [checkpointFiles(base.leaves, 8, base.signer).note, /holds no consistency proof from the checkpoint you gave \(8 entries\)/],
      ['hello\n', /not a signed checkpoint note/],
    ] as const;
    for (const [since, reason] of cases) {
      const verdict = await verifyPacket(file, { since });
      expect(verdict.ok).toBe(false);
      expect(failedChecks(verdict)).toEqual(['since']);
      expect(check(verdict, 'since')?.reason).toMatch(reason);
    }
  });

  it('accepts a kept checkpoint signed by a key only the caller allowed_signers lists', async () => {
    const file = await zipOf(base, base.files);
    const outsider = testKey();
    const since = checkpointFiles(base.leaves, 5, outsider).note;
    expect(check(await verifyPacket(file, { since }), 'since')?.ok).toBe(false);
    const allowedSigners = allowedLine('ada', base.signer.publicKey) + allowedLine('carol', outsider.publicKey, 'custodian-checkpoint');
    const verdict = await verifyPacket(file, { since, allowedSigners, identity: 'ada' });
    expect(verdict.ok).toBe(true);
  });
});

describe('--allowed-signers and --identity', () => {
  it.each([
    ['the right key for the identity', allowedLine('ada', base.signer.publicKey), 'ada', null],
    ['a wildcard principal pattern', allowedLine('a*,bob', base.signer.publicKey), 'ada', null],
    ['no namespaces option (every namespace)', `ada ${sshPublicKeyLine(base.signer.publicKey)}\n`, 'ada', null],
    ['another identity', allowedLine('ada', base.signer.publicKey), 'mallory', /lists no ssh-ed25519 key for mallory/],
    ['a negated principal', allowedLine('*,!ada', base.signer.publicKey), 'ada', /lists no ssh-ed25519 key for ada/],
    [
      'another key for the identity',
      allowedLine('ada', testKey().publicKey),
      'ada',
      /signed by SHA256:\S+, which your allowed signers file does not list for ada/,
    ],
    [
      'the key for another namespace only',
      allowedLine('ada', base.signer.publicKey, 'custodian-checkpoint'),
      'ada',
      /lists no ssh-ed25519 key for ada and namespace/,
    ],
    [
      'an expired key',
      `ada valid-before="20200101Z",namespaces="custodian-packet" ${sshPublicKeyLine(base.signer.publicKey)}\n`,
      'ada',
      /lists no ssh-ed25519 key/,
    ],
    ['a cert-authority line', `ada cert-authority ${sshPublicKeyLine(base.signer.publicKey)}\n`, 'ada', /lists no ssh-ed25519 key/],
  ] as const)('%s', async (_what, allowedSigners, identity, failure) => {
    const verdict = await verifyPacket(await zipOf(base, base.files), { allowedSigners, identity });
    expect(verdict.signer).toMatchObject({ identity, trust: 'allowed-signers', fingerprint: base.signer.fingerprint });
    if (failure === null) {
      expect(verdict.ok).toBe(true);
      expect(check(verdict, 'signature')?.reason).toMatch(/a key your allowed signers file lists/);
    } else {
      expect(failedChecks(verdict)).toEqual(['signature']);
      expect(check(verdict, 'signature')?.reason).toMatch(failure);
    }
  });

  it('parses allowed_signers as ssh-keygen does, refusing malformed lines by number', () => {
    const key = sshPublicKeyLine(base.signer.publicKey);
    const parsed = parseAllowedSigners(`# comment\n\n"ada lovelace,bob" namespaces="custodian-packet,custodian-checkpoint" ${key} a comment\n`);
    expect(parsed).toMatchObject([{ line: 3, principals: 'ada lovelace,bob', namespaces: 'custodian-packet,custodian-checkpoint', keyType: 'ssh-ed25519' }]);
    expect(() => parseAllowedSigners(`ada\n`)).toThrow(/line 1 has fewer than three fields/);
    expect(() => parseAllowedSigners(`"ada lovelace",bob ${key}\n`)).toThrow(/line 1 has a quoted principals field with more after its quote/);
    expect(() => parseAllowedSigners(`ok ${key}\nada frobnicate ${key}\n`)).toThrow(/line 2 has an option ssh-keygen does not know/);
    expect(() => parseAllowedSigners(`ada ssh-ed25519 AAAAnotakey\n`)).toThrow(/line 1 has an ssh-ed25519 key that does not decode/);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile archives, written byte by byte (yazl refuses most of these names).

interface RawEntry {
  name: string | Buffer;
  /** The bytes stored (already deflated if method 8). */
  data?: Buffer;
  method?: number;
  /** Declared size; defaults to data's length. */
  size?: number;
  crc?: number;
  flags?: number;
  versionMadeBy?: number;
  externalAttributes?: number;
  extra?: Buffer;
  /** The local header's name, if it should differ from the central directory's. */
  localName?: Buffer;
  /** Point this entry's central record at an earlier entry's local header (overlap). */
  sameDataAs?: number;
}

/**
 * A zip from raw records. `poison` writes local headers with a bad signature: an archive refused
 * from its central directory alone never touches them, so any early read would fail otherwise.
 */
function rawZip(entries: readonly RawEntry[], poison = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name) : e.name;
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method ?? 0;
    const crc = e.crc ?? crc32(method === 0 ? data : Buffer.alloc(0));
    const size = e.size ?? data.length;
    const flags = e.flags ?? (typeof e.name === 'string' ? 0x800 : 0);
    const extra = e.extra ?? Buffer.alloc(0);
    let at = offset;
    if (e.sameDataAs === undefined) {
      const localName = e.localName ?? name;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(poison ? 0x58585858 : 0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(0x21, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(localName.length, 26);
      local.writeUInt16LE(extra.length, 28);
      const record = Buffer.concat([local, localName, extra, data]);
      locals.push(record);
      offset += record.length;
    } else {
      at = offsets[e.sameDataAs] ?? 0;
    }
    offsets.push(at);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.versionMadeBy ?? 0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE((e.externalAttributes ?? 0o100644 * 0x10000) >>> 0, 38);
    central.writeUInt32LE(at, 42);
    centrals.push(Buffer.concat([central, name, extra]));
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function rawFile(entries: readonly RawEntry[], poison = true): string {
  const file = tempPath('raw.zip');
  writeFileSync(file, rawZip(entries, poison));
  return file;
}

const ok = (name: string, text = 'x'): RawEntry => ({ name, data: Buffer.from(text) });
const P = 'packet-x/';

function unicodePath(name: string, forName: Buffer): Buffer {
  const data = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), Buffer.from(name)]);
  data.writeUInt32LE(crc32(forName), 1);
  const header = Buffer.alloc(4);
  header.writeUInt16LE(0x7075, 0);
  header.writeUInt16LE(data.length, 2);
  return Buffer.concat([header, data]);
}

describe('unsafe archives are refused before any entry is read', () => {
  const zeros = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  const cases: [string, RawEntry[], RegExp, Partial<ArchiveLimits>?][] = [
    ['a climb out with ..', [ok(`${P}a`), ok(`${P}../evil`)], /"packet-x\/\.\.\/evil" climbs out of its folder/],
    ['a leading ..', [ok('../evil')], /"\.\.\/evil" climbs out of its folder/],
    ['an absolute path', [ok('/abs/evil')], /"\/abs\/evil" is an absolute path/],
    ['a backslash', [ok(`${P}..\\evil`)], /has a backslash in its name/],
    ['a drive letter', [ok('C:/evil')], /starts with a drive letter/],
    ['a . segment', [ok(`${P}./a`)], /has a "\." path segment/],
    ['an empty segment', [ok(`${P}data//a`)], /has an empty path segment/],
    ['a control character', [ok(`${P}a\nb`)], /control character/],
    [
      'a symlink',
      [ok(`${P}a`), { name: `${P}link`, data: Buffer.from('/etc/passwd'), externalAttributes: 0o120777 * 0x10000 }],
      /"packet-x\/link" is a symbolic link/,
    ],
    ['a folder entry by mode', [{ name: `${P}dir`, externalAttributes: 0o040755 * 0x10000 }], /is a folder entry/],
    ['a folder entry by name', [{ name: `${P}dir/` }], /is a folder entry/],
    ['a FIFO', [{ name: `${P}fifo`, externalAttributes: 0o010644 * 0x10000 }], /is not a regular file/],
    ['a DOS folder', [{ name: `${P}dir`, versionMadeBy: 0x0014, externalAttributes: 0x10 }], /is a folder entry/],
    ['a Windows reparse point', [{ name: `${P}link`, versionMadeBy: 0x0a14, externalAttributes: 0x400 }], /reparse point/],
    ['a duplicate name', [ok(`${P}a`), ok(`${P}a`, 'y')], /"packet-x\/a" appears twice/],
    [
      'names equal but for case',
      [ok(`${P}data/Report.pdf`), ok(`${P}data/report.pdf`)],
      /would overwrite "packet-x\/data\/Report\.pdf" \(same name ignoring case/,
    ],
    ['names equal after NFC', [ok(`${P}caf\u00e9`), ok(`${P}cafe\u0301`)], /would overwrite "packet-x\/café"/],
    // Windows drops each segment's trailing dots and spaces: these pairs write one file.
    [
      'names equal but for a trailing space',
      [ok(`${P}data/report.pdf`), ok(`${P}data/report.pdf `)],
      /"packet-x\/data\/report\.pdf " would overwrite "packet-x\/data\/report\.pdf" \(same name ignoring case, Unicode normalisation or trailing dots and spaces\)/,
    ],
    [
      'names equal but for a trailing dot',
      [ok(`${P}data/report.pdf`), ok(`${P}data/report.pdf.`)],
      /"packet-x\/data\/report\.pdf\." would overwrite "packet-x\/data\/report\.pdf"/,
    ],
    [
      'names equal but for trailing dots and spaces',
      [ok(`${P}data/Report.PDF. .`), ok(`${P}data/report.pdf`)],
      /would overwrite "packet-x\/data\/Report\.PDF\. \."/,
    ],
    ['folders equal but for a trailing dot', [ok(`${P}data./a`), ok(`${P}data/a`)], /"packet-x\/data\/a" would overwrite "packet-x\/data\.\/a"/],
    ['a file equal but for a trailing space to a folder', [ok(`${P}data `), ok(`${P}data/a`)], /"packet-x\/data " is both a file and a folder/],
    ['a segment of dots and spaces only', [ok(`${P}data/. ./a`)], /has a path segment of dots and spaces only/],
    ['a Windows device name', [ok(`${P}data/CON`)], /"packet-x\/data\/CON" has a Windows reserved device name \("CON"\) as a path segment/],
    ['a Windows device name with an extension, in lower case', [ok(`${P}data/nul.txt`)], /Windows reserved device name \("nul\.txt"\)/],
    ['a Windows device name as a folder', [ok(`${P}Aux/report.pdf`)], /Windows reserved device name \("Aux"\)/],
    ['a numbered Windows device name, with trailing dots and spaces', [ok(`${P}data/com1 .tar.gz. `)], /Windows reserved device name \("com1 \.tar\.gz\. "\)/],
    ['LPT9', [ok(`${P}data/lpt9.pdf`)], /Windows reserved device name \("lpt9\.pdf"\)/],
    ['a file that is also a folder', [ok(`${P}data`), ok(`${P}data/a`)], /"packet-x\/data" is both a file and a folder/],
    ['an encrypted entry', [{ name: `${P}a`, data: Buffer.alloc(13), size: 1, flags: 0x801 }], /is encrypted/],
    ['a bzip2 entry', [{ ...ok(`${P}a`), method: 12 }], /uses compression method 12/],
    [
      'a deflate bomb (64 MiB of zeros)',
      [{ name: `${P}zeros`, data: zeros, method: 8, size: 64 * 1024 * 1024 }],
      /would inflate 10\d\d times, beyond 1000 \(a zip bomb\)/,
    ],
    [
      'too much in total',
      [ok(`${P}a`, 'a'.repeat(700_000)), ok(`${P}b`, 'b'.repeat(700_000))],
      /would inflate to 1 MiB, beyond the limit of 1 MiB/,
      { maxTotalBytes: 1024 * 1024 },
    ],
    ['too many entries', [ok(`${P}a`), ok(`${P}b`), ok(`${P}c`), ok(`${P}d`)], /holds 4 entries, more than the limit of 3/, { maxEntries: 3 }],
    ['two top folders', [ok('packet-a/x'), ok('packet-b/y')], /"packet-b\/y" lies outside the packet folder "packet-a\/"/],
    ['a file beside the folder', [ok(`${P}a`), ok('README')], /"README" lies outside the packet folder/],
    [
      'a non-ASCII name without the UTF-8 flag',
      [{ name: Buffer.from(`${P}caf\u00e9`, 'latin1'), data: Buffer.from('x') }],
      /non-ASCII bytes without the UTF-8 flag/,
    ],
    ['invalid UTF-8', [{ name: Buffer.concat([Buffer.from(P), Buffer.from([0xc3, 0x28])]), flags: 0x800 }], /flagged UTF-8 but is not valid UTF-8/],
    [
      'a second name in a Unicode Path field',
      [{ ...ok(`${P}a`), extra: unicodePath(`${P}../evil`, Buffer.from(`${P}a`)) }],
      /carries a second, different name/,
    ],
    ['overlapping entries', [ok(`${P}a`, 'data'), { ...ok(`${P}b`, 'data'), sameDataAs: 0 }], /overlaps the next entry/],
  ];

  it.each(cases)('%s', async (_what, entries, reason, limits) => {
    const file = rawFile(entries);
    await expect(openPacketArchive(file, limits)).rejects.toMatchObject({ code: 'packet_unsafe', message: expect.stringMatching(reason) as unknown });
    const progress = vi.fn();
    const verdict = await verifyPacket(file, { limits, onProgress: progress });
    expect(verdict).toMatchObject({ ok: false, checks: [{ name: 'archive', ok: false }], problems: [] });
    expect(verdict.checks[0]?.reason).toMatch(reason);
    expect(progress).not.toHaveBeenCalled();
  });

  it('names only like Windows device names, and dots inside names, are fine', async () => {
    const names = ['console.txt', 'com10', 'lpt', 'nul-report.pdf', 'auxiliary/a', 'a.b.c', '.hidden', 'con-1.pdf', 'x/conin'];
    const archive = await openPacketArchive(
      rawFile(
        names.map((name) => ok(`${P}${name}`, name)),
        false,
      ),
    );
    try {
      expect(archive.entries.map((e) => e.path)).toEqual(names);
    } finally {
      archive.close();
    }
  });

  it('the same archives unpoisoned and with safe names open (the raw builder is sound)', async () => {
    const archive = await openPacketArchive(
      rawFile([ok(`${P}a`, 'hello'), { name: `${P}b`, data: deflateRawSync(Buffer.from('world')), method: 8, crc: crc32('world'), size: 5 }], false),
    );
    try {
      const texts = await Promise.all(archive.entries.map(async (e) => (await archive.readEntry(e, 100)).toString()));
      expect(texts).toEqual(['hello', 'world']);
      expect(archive.root).toBe('packet-x');
    } finally {
      archive.close();
    }
    // The poison works: a poisoned zip with safe names is refused once its local headers are
    // read, which is after every check of the central directory, so the refusals above read none.
    await expect(openPacketArchive(rawFile([ok(`${P}a`, 'hello')], true))).rejects.toMatchObject({
      code: 'packet_unsafe',
      message: expect.stringMatching(/"packet-x\/a" has no local header where the central directory says it starts/) as unknown,
    });
  });

  async function readAll(file: string): Promise<void> {
    const archive = await openPacketArchive(file);
    try {
      for (const entry of archive.entries) await archive.readEntry(entry, 10 * 1024 * 1024);
    } finally {
      archive.close();
    }
  }

  it('an entry that inflates past its declared size is refused while reading', async () => {
    const lie: RawEntry = { name: `${P}lie`, data: deflateRawSync(Buffer.alloc(1024 * 1024)), method: 8, size: 1000, crc: crc32(Buffer.alloc(1000)) };
    await expect(readAll(rawFile([lie], false))).rejects.toMatchObject({
      code: 'packet_unsafe',
      message: expect.stringMatching(/inflates past its declared size of 1000 bytes/) as unknown,
    });
  });

  it('a local header naming another file is refused on opening, a wrong CRC-32 while reading', async () => {
    // Streaming extractors take the local header's name: this one would be written as b.
    const renamed: RawEntry = { ...ok(`${P}a`), localName: Buffer.from(`${P}b`) };
    await expect(openPacketArchive(rawFile([renamed], false))).rejects.toMatchObject({
      code: 'packet_unsafe',
      message: expect.stringMatching(/"packet-x\/a" has a local header that disagrees with the central directory \(name\)/) as unknown,
    });
    await expect(readAll(rawFile([{ ...ok(`${P}a`), crc: 1234 }], false))).rejects.toMatchObject({
      code: 'packet_tampered',
      message: expect.stringMatching(/CRC-32/) as unknown,
    });
  });

  it('a file that is not a zip is an archive failure, not a crash', async () => {
    const file = tempPath('not.zip');
    writeFileSync(file, 'just text\n');
    const verdict = await verifyPacket(file);
    expect(verdict.checks).toEqual([{ name: 'archive', ok: false, reason: expect.stringMatching(/is not a readable zip archive/) as unknown }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Parser differentials: zips whose central directory says one thing to us and another to unzip,
// Python's zipfile or a streaming extractor. Built by surgery on a genuine packet zip.

/** What Python's zipfile reads for `name` (stdout), as unzip would extract it. */
function pythonReads(file: string, name: string): string {
  const result = spawnSync('python3', ['-c', 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', file, name], {
    encoding: 'latin1',
  });
  expect(result.stderr).toBe('');
  return result.stdout;
}

describe('a zip that other readers would read differently is refused before any entry is read', () => {
  const FORGED = Buffer.from('%PDF-1.7\n% a forged report\n%%EOF\n');

  async function expectRefused(file: string, reason: RegExp): Promise<void> {
    await expect(openPacketArchive(file)).rejects.toMatchObject({ code: 'packet_unsafe', message: expect.stringMatching(reason) as unknown });
    const progress = vi.fn();
    const verdict = await verifyPacket(file, { onProgress: progress });
    expect(verdict).toMatchObject({ ok: false, checks: [{ name: 'archive', ok: false }], problems: [] });
    expect(verdict.checks[0]?.reason).toMatch(reason);
    expect(progress).not.toHaveBeenCalled();
  }

  it('a second central directory, which unzip and Python read instead of the one the end record points at', async () => {
    const genuine = readFileSync(await zipOf(base, base.files));
    const file = tempPath('dual.zip');
    writeFileSync(file, dualDirectoryZip(genuine, new Map([[`${base.root}data/report.pdf`, FORGED]])));
    // The outside judges read the forged report; yauzl alone would read the genuine one.
    expect(pythonReads(file, `${base.root}data/report.pdf`)).toBe(FORGED.toString('latin1'));
    const unzipped = spawnSync('unzip', ['-p', file, `${base.root}data/report.pdf`], { encoding: 'latin1' });
    expect(unzipped.stdout).toBe(FORGED.toString('latin1'));
    await expectRefused(file, /the central directory does not end where the end record begins/);
  });

  it('an unlisted local entry between the last entry and the central directory, which streaming extractors write', async () => {
    const genuine = readFileSync(await zipOf(base, base.files));
    const file = tempPath('gap.zip');
    writeFileSync(file, gapEntryZip(genuine, `${base.root}data/report.pdf`, FORGED));
    const dir = tempPath('streamed');
    expect(spawnSync('mkdir', [dir]).status).toBe(0);
    expect(spawnSync('bsdtar', ['-xf', '-', '-C', dir], { input: readFileSync(file) }).status).toBe(0);
    expect(readFileSync(join(dir, base.root, 'data/report.pdf'))).toEqual(FORGED);
    await expectRefused(file, /unlisted bytes between the last entry and the central directory/);
  });

  it('a stored file holding a data descriptor lookalike, after which a streaming extractor reads a smuggled entry', async () => {
    // The file is signed as it is (an insider's upload, say): only its bytes carry the trick.
    const smuggled = Buffer.from('{"forged":"proofs"}\n');
    const name = Buffer.from(`${base.root}${PAYLOAD.proofs}`);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x800, 6);
    header.writeUInt32LE(crc32(smuggled), 14);
    header.writeUInt32LE(smuggled.length, 18);
    header.writeUInt32LE(smuggled.length, 22);
    header.writeUInt16LE(name.length, 26);
    const before = Buffer.from('%PDF-1.4\n% an evidence file\n');
    const lookalike = Buffer.alloc(16);
    lookalike.writeUInt32LE(0x08074b50, 0);
    lookalike.writeUInt32LE(crc32(before), 4);
    lookalike.writeUInt32LE(before.length, 8);
    lookalike.writeUInt32LE(before.length, 12);
    const evidence = Buffer.concat([before, lookalike, header, name, smuggled, Buffer.from('\n%%EOF\n')]);
    const packet = buildTestPacket({ payload: { 'data/evidence/hipaa-security-awareness/cert (1).pdf': evidence } });
    const file = tempPath('lookalike.zip');
    // Streamed entries, as the builder writes evidence: stored, with data descriptors.
    await writePacketZip(packet.root, packet.files, file, { lazy: true });
    const dir = tempPath('streamed');
    expect(spawnSync('mkdir', [dir]).status).toBe(0);
    spawnSync('bsdtar', ['-xf', '-', '-C', dir], { input: readFileSync(file) });
    expect(readFileSync(join(dir, packet.root, PAYLOAD.proofs))).toEqual(smuggled);
    const verdict = await verifyPacket(file);
    expect(verdict.ok).toBe(false);
    expect(check(verdict, 'archive')?.reason).toMatch(
      new RegExp(
        `evidence/hipaa-security-awareness/cert \\(1\\)\\.pdf" holds a data descriptor lookalike at byte ${String(before.length)}: a streaming extractor`,
      ),
    );
  });
});

describe('verifyPacket inputs', () => {
  it('an age-encrypted packet is refused with how to decrypt it', async () => {
    const dir = tempPath('age');
    expect(spawnSync('mkdir', [dir]).status).toBe(0);
    const keygen = spawnSync('age-keygen', ['-o', join(dir, 'key.txt')], { encoding: 'utf8' });
    const recipient = /age1[0-9a-z]+/.exec(keygen.stderr + keygen.stdout)?.[0] ?? '';
    const zip = await zipOf(base, base.files);
    expect(spawnSync('age', ['-r', recipient, '-o', `${zip}.age`, zip]).status).toBe(0);
    await expect(verifyPacket(`${zip}.age`)).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/encrypted with age: decrypt it first with age -d/) as unknown,
    });
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(verifyPacket(await zipOf(base, base.files), { signal: controller.signal })).rejects.toThrow(/cancelled by the user/);
  });

  it('refuses allowed signers without an identity', async () => {
    await expect(verifyPacket(await zipOf(base, base.files), { allowedSigners: allowedLine('ada', base.signer.publicKey) })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The command, run in-process the way main.ts runs it (exit code and one-line error from the throw).

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('custodian').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  addPacketVerifyCommand(program.command('packet'));
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  let code = 0;
  try {
    await program.parseAsync(['node', 'custodian', 'packet', 'verify', ...args]);
  } catch (error) {
    code = error instanceof CommanderError ? error.exitCode : await exitCodeFor(error);
    stderr += `custodian: ${error instanceof Error ? error.message : String(error)}\n`;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { code, stdout, stderr };
}

describe('custodian packet verify', () => {
  it('exits 0 on a good packet, printing each check and the fingerprint to compare', async () => {
    const result = await cli(await zipOf(base, base.files));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^ok {4}signature: good signature by ada/m);
    expect(result.stdout).toContain(`trust: self-asserted (the packet's own allowed_signers). Compare ${base.signer.fingerprint}`);
  });

  it('names each failed check on stdout and in its one stderr line, and exits 4 (tampering); --json gives the verdict', async () => {
    const files = new Map(base.files).set('data/report.pdf', Buffer.from('replaced'));
    const file = await zipOf(base, files);
    const human = await cli(file);
    expect(human.code).toBe(4);
    expect(human.stderr.trimEnd().split('\n')).toEqual([
      'custodian: packet PKT-2026-0001 does not verify: 3 check(s) failed (manifest-sha256, manifest-sha512, payload-oxum)',
    ]);
    expect(human.stdout).toContain('FAIL  manifest-sha256: altered: data/report.pdf');
    expect(human.stdout).toContain('FAIL  manifest-sha512: altered: data/report.pdf');
    expect(human.stdout).toMatch(/^FAIL {2}payload-oxum: /m);
    expect(human.stdout).toMatch(/^altered: data\/report\.pdf \(manifest-sha256, manifest-sha512\)$/m);
    const json = await cli(file, '--json');
    expect(json.code).toBe(human.code);
    const verdict = JSON.parse(json.stdout) as PacketVerdict;
    expect(verdict).toMatchObject({ ok: false, problems: [{ path: 'data/report.pdf', kind: 'altered' }] });
  });

  it('checks --allowed-signers with --identity, and --since', async () => {
    const file = await zipOf(base, base.files);
    const allowed = tempPath('allowed_signers');
    writeFileSync(allowed, allowedLine('ada', base.signer.publicKey));
    const kept = tempPath('kept.txt');
    writeFileSync(kept, base.earlierNote);
    expect((await cli(file, '--allowed-signers', allowed, '--identity', 'ada', '--since', kept)).code).toBe(0);
    const wrong = await cli(file, '--allowed-signers', allowed, '--identity', 'eve');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toMatch(/^FAIL {2}signature: your allowed signers file lists no ssh-ed25519 key for eve/m);
    expect(wrong.stderr).toMatch(/^custodian: .*\(signature\)\n$/);
    const longer = tempPath('longer.txt');
    writeFileSync(longer, base.longerNote);
    expect((await cli(file, '--since', longer)).stdout).toMatch(/^FAIL {2}since: rolled back/m);
  });

  it('refuses usage errors with exit 2: one of --allowed-signers/--identity, an unreadable --since, an age file', async () => {
    const file = await zipOf(base, base.files);
    const allowed = tempPath('allowed_signers');
    writeFileSync(allowed, allowedLine('ada', base.signer.publicKey));
    const alone = await cli(file, '--allowed-signers', allowed);
    expect(alone).toMatchObject({ code: 2, stdout: '' });
    expect(alone.stderr).toMatch(/^custodian: --allowed-signers and --identity go together/);
    expect((await cli(file, '--identity', 'ada')).code).toBe(2);
    const bad = tempPath('bad.txt');
    writeFileSync(bad, 'hello\n');
    expect((await cli(file, '--since', bad)).stderr).toMatch(/is not a checkpoint printed by/);
    const age = tempPath('packet.zip.age');
    writeFileSync(age, 'age-encryption.org/v1\n-> X25519 abc\n');
    const encrypted = await cli(age);
    expect(encrypted.code).toBe(2);
    expect(encrypted.stderr).toMatch(/decrypt it first with age -d/);
  });

  it('an unsafe archive is named as refused', async () => {
    const result = await cli(rawFile([ok(`${P}../evil`)]));
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^FAIL {2}archive: The packet was refused before anything was unpacked: "packet-x\/\.\.\/evil" climbs out/m);
    expect(result.stderr).toMatch(/^custodian: .* was refused: archive\n$/);
  });
});
