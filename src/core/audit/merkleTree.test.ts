import { describe, expect, it } from 'vitest';
import { inclusionPath, leafHash, rootOf, verifyInclusion } from './merkle';
import { MerkleTree } from './merkleTree';

describe('MerkleTree', () => {
  it('gives the same root and audit paths as the RFC 6962 recursion for every size up to 70', () => {
    for (let size = 1; size <= 70; size++) {
      const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`entry ${String(i)}`)));
      const tree = new MerkleTree(leaves);
      const root = rootOf(leaves);
      expect(tree.root?.equals(root)).toBe(true);
      for (let index = 0; index < size; index++) {
        const path = tree.inclusionPath(index);
        expect(path.map((h) => h.toString('hex'))).toEqual(inclusionPath(leaves, index).map((h) => h.toString('hex')));
        expect(verifyInclusion(leaves[index] as Buffer, index, size, path, root)).toBe(true);
      }
    }
  });

  it('refuses an index outside the tree', () => {
    const tree = new MerkleTree([leafHash(Buffer.from('a'))]);
    expect(() => tree.inclusionPath(1)).toThrow(RangeError);
    expect(new MerkleTree([]).root).toBeNull();
  });
});
