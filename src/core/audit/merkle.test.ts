import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consistencyPath, inclusionPath, leafHash, rootOf, verifyConsistency, verifyInclusion } from './merkle';

// Reference data: the RFC 6962 test vectors of Certificate Transparency (leaves, the root of
// each tree size 0..8, and published audit paths and consistency proofs).
const unhex = (text: string) => Buffer.from(text, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex).map(leafHash);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];
const CONSISTENCY: [number, number, string[]][] = [
  [2, 8, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

describe('RFC 6962 Merkle tree', () => {
  it('matches the published root of every tree size 0..8', () => {
    for (let n = 0; n <= 8; n++) expect(rootOf(LEAVES.slice(0, n)).toString('hex'), `size ${String(n)}`).toBe(ROOTS[n]);
  });

  it.each(INCLUSION)('produces and verifies the published audit path of leaf %i in size %i', (index, size, path) => {
    const tree = LEAVES.slice(0, size);
    expect(inclusionPath(tree, index).map((h) => h.toString('hex'))).toEqual(path);
    expect(verifyInclusion(LEAVES[index] as Buffer, index, size, path.map(unhex), unhex(ROOTS[size] as string))).toBe(true);
  });

  it.each(CONSISTENCY)('produces and verifies the published consistency proof %i -> %i', (first, second, path) => {
    expect(consistencyPath(LEAVES.slice(0, second), first).map((h) => h.toString('hex'))).toEqual(path);
    expect(verifyConsistency(first, second, unhex(ROOTS[first] as string), unhex(ROOTS[second] as string), path.map(unhex))).toBe(true);
  });

  const many = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from([i, i * 3])));

  it('verifies every inclusion and consistency proof for sizes 1..40, and refuses altered ones', () => {
    for (let n = 1; n <= many.length; n++) {
      const tree = many.slice(0, n);
      const root = rootOf(tree);
      for (let i = 0; i < n; i++) {
        const path = inclusionPath(tree, i);
        expect(verifyInclusion(tree[i] as Buffer, i, n, path, root)).toBe(true);
        if (n > 1) expect(verifyInclusion(tree[(i + 1) % n] as Buffer, i, n, path, root)).toBe(false);
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyPath(tree, m);
        const oldRoot = rootOf(tree.slice(0, m));
        expect(verifyConsistency(m, n, oldRoot, root, proof), `${String(m)} -> ${String(n)}`).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, rootOf(many.slice(1, m + 1)), root, proof)).toBe(false);
      }
    }
  });

  it('rejects any single-byte change to a proof (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (n, i, at, flip) => {
        const tree = many.slice(0, n);
        const index = i % n;
        const path = inclusionPath(tree, index);
        if (path.length === 0) return true;
        const which = at % path.length;
        const tampered = path.map((h) => Buffer.from(h));
        const victim = tampered[which] as Buffer;
        victim[at % 32] = (victim[at % 32] ?? 0) ^ flip;
        return !verifyInclusion(tree[index] as Buffer, index, n, tampered, rootOf(tree));
      }),
    );
  });
});
