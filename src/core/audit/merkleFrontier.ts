import { createHash } from 'node:crypto';
import { nodeHash } from './merkle';

export interface FrontierNode {
  size: number;
  hash: Buffer;
}

/**
 * The right edge of an RFC 6962 tree: the roots of its perfect subtrees, largest first. Appending
 * a leaf is O(log n) and the tree's root is computable from the edge alone, so neither appending
 * to nor verifying a long log ever rereads the leaves before.
 */
export class MerkleFrontier {
  private readonly nodes: FrontierNode[];

  constructor(nodes: readonly FrontierNode[] = []) {
    this.nodes = nodes.map((node) => ({ size: node.size, hash: node.hash }));
  }

  push(leaf: Buffer): void {
    this.nodes.push({ size: 1, hash: leaf });
    for (;;) {
      const right = this.nodes[this.nodes.length - 1];
      const left = this.nodes[this.nodes.length - 2];
      if (!left || !right || left.size !== right.size) break;
      this.nodes.splice(this.nodes.length - 2, 2, { size: left.size * 2, hash: nodeHash(left.hash, right.hash) });
    }
  }

  /** MTH of the leaves pushed so far; SHA-256("") for none. */
  root(): Buffer {
    let root = this.nodes[this.nodes.length - 1]?.hash ?? createHash('sha256').digest();
    for (let i = this.nodes.length - 2; i >= 0; i--) root = nodeHash((this.nodes[i] as FrontierNode).hash, root);
    return root;
  }

  /** The edge, largest subtree first, for storing. */
  get edge(): readonly FrontierNode[] {
    return this.nodes;
  }
}
