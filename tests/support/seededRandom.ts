import { SeededRandom } from '../../src/core/demo/seededRandom';

/** The demo's seeded PRNG as a plain function, so a failing random test can be replayed from its seed. */
export function prng(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}
