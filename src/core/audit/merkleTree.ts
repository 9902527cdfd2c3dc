import type { Hash } from './merkle';
import { nodeHash } from './merkle';

/**
 * An RFC 6962 tree held whole, level by level, for many audit paths at once: a packet cites
 * hundreds of entries of a log of millions, and merkle.ts's `inclusionPath` recomputes subtree
 * roots from the leaves for every path (O(n) each); here the levels are built once (O(n)) and
 * each path is O(log n).
 *
 * Pairing left to right and carrying an odd last node up unpaired builds the same tree as RFC
 * 6962's split at the largest power of two (rootOf in merkle.ts does the same); the audit path
 * of a leaf is its siblings from the bottom up, skipping levels where its node was carried.
 */
export class MerkleTree {
  private readonly levels: Hash[][];

  constructor(leaves: readonly Hash[]) {
    const levels: Hash[][] = [[...leaves]];
    let level = levels[0] as Hash[];
    while (level.length > 1) {
      const next: Hash[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i] as Hash, level[i + 1] as Hash));
      if (level.length % 2 === 1) next.push(level[level.length - 1] as Hash);
      levels.push(next);
      level = next;
    }
    this.levels = levels;
  }

  get size(): number {
    return (this.levels[0] as Hash[]).length;
  }

  /** Null for the empty tree (whose root is SHA-256 of nothing; merkle.ts rootOf). */
  get root(): Hash | null {
    const top = this.levels[this.levels.length - 1] as Hash[];
    return top.length === 1 ? (top[0] as Hash) : null;
  }

  /** PATH(index, D[size]) of RFC 6962, bottom up. */
  inclusionPath(index: number): Hash[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError('leaf index outside the tree');
    const path: Hash[] = [];
    let i = index;
    for (let depth = 0; depth < this.levels.length - 1; depth++) {
      const level = this.levels[depth] as Hash[];
      const sibling = i ^ 1;
      if (sibling < level.length) path.push(level[sibling] as Hash);
      i >>= 1;
    }
    return path;
  }
}
