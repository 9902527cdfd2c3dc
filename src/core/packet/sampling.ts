import { createHash } from 'node:crypto';
import { CustodianError } from '../../shared/errors';
import type { SampleRule } from './packetModel';

/**
 * Audit sampling, reproducible with nothing of ours (data/audit/reproduce_sample.py does the
 * same in standard-library Python). The procedure, as sample.json states it:
 *
 * 1. The population of a requirement: the distinct `record_id`s of data/records/status.csv rows
 *    for it whose status is not `not_applicable`, sorted by their UTF-8 bytes.
 * 2. Its hash: SHA-256 (hex) of the sorted ids, each followed by a newline.
 * 3. Each id's rank: SHA-256 (hex) of `<seed>\n<requirement id>\n<record id>`.
 * 4. The sample: the n ids of lowest rank (ties by id), listed sorted by id.
 *
 * n for attribute sampling with zero expected deviations: ceil(ln(1 - confidence) /
 * ln(1 - tolerable rate)) (29 at 95%/10%, 22 at 90%/10%), capped at the population.
 */
export const SAMPLING_PROCEDURE =
  "population: distinct record_id of data/records/status.csv rows of the requirement whose status is not not_applicable, sorted by UTF-8 bytes; population_sha256: SHA-256 hex of the sorted ids each followed by '\\n'; rank(id): SHA-256 hex of seed + '\\n' + requirement_id + '\\n' + id; picks: the n ids of lowest rank (ties by id), sorted by id";

/**
 * The seed when none is given: from the audit-log checkpoint the packet cites, nothing else, so
 * the officer cannot steer the picks by trying scopes or seeds, and reproduce_sample.py checks
 * it from data/audit/checkpoint.txt. (A chosen seed, e.g. the auditor's, is recorded as chosen.)
 */
export const SEED_DERIVATION =
  "first 32 hex digits of SHA-256 of 'custodian sample seed v2\n' + vault id + '\n' + checkpoint size + '\n' + checkpoint root (base64) + '\n', from data/audit/checkpoint.txt";

export function derivedSeed(vaultId: string, size: number, root: string): string {
  return createHash('sha256')
    .update(`custodian sample seed v2\n${vaultId}\n${String(size)}\n${root}\n`)
    .digest('hex')
    .slice(0, 32);
}

export const DEFAULT_SAMPLE_RULE: SampleRule = { kind: 'attribute', confidence: 0.95, tolerableRate: 0.1 };

/** n for zero expected deviations (AICPA attribute sampling): ceil(ln(1 - c) / ln(1 - r)). */
export function attributeSampleSize(confidence: number, tolerableRate: number): number {
  if (!(confidence > 0 && confidence < 1) || !(tolerableRate > 0 && tolerableRate < 1)) {
    throw new CustodianError('validation_failed', 'Confidence and tolerable rate are fractions strictly between 0 and 1, e.g. attr:0.95,0.10.');
  }
  // The epsilon keeps a float error from lifting an exact quotient to the next integer.
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - tolerableRate) - 1e-9);
}

/** What the rule asks for, before capping at the population (Infinity: everyone). */
export function askedSize(rule: SampleRule, population: number): number {
  switch (rule.kind) {
    case 'all':
      return population;
    case 'fixed':
      return rule.size;
    case 'attribute':
      return attributeSampleSize(rule.confidence, rule.tolerableRate);
  }
}

/** `auto`, `all`, `N` or `attr:CONF,RATE` (fractions or percentages: attr:95,10 = attr:0.95,0.10). */
export function parseSampleRule(text: string): SampleRule {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'auto') return DEFAULT_SAMPLE_RULE;
  if (trimmed === 'all') return { kind: 'all' };
  if (/^[1-9][0-9]{0,6}$/.test(trimmed)) return { kind: 'fixed', size: Number(trimmed) };
  const attr = /^attr:([0-9.]+)%?,([0-9.]+)%?$/.exec(trimmed);
  if (attr) {
    const fraction = (value: number) => (value > 1 ? value / 100 : value);
    const rule: SampleRule = { kind: 'attribute', confidence: fraction(Number(attr[1])), tolerableRate: fraction(Number(attr[2])) };
    attributeSampleSize(rule.confidence, rule.tolerableRate);
    return rule;
  }
  throw new CustodianError('validation_failed', `Sample "${text}": expected auto, all, a size such as 25, or attr:CONFIDENCE,RATE such as attr:0.95,0.10.`);
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function sortedPopulation(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort(byBytes);
}

export function populationHash(sorted: readonly string[]): string {
  const hash = createHash('sha256');
  for (const id of sorted) hash.update(`${id}\n`);
  return hash.digest('hex');
}

/** The picks of the procedure above, sorted by id. */
export function samplePicks(sorted: readonly string[], seed: string, requirementId: string, n: number): string[] {
  if (n >= sorted.length) return [...sorted];
  const ranked = sorted.map((id) => ({ id, rank: createHash('sha256').update(`${seed}\n${requirementId}\n${id}`).digest('hex') }));
  ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : byBytes(a.id, b.id)));
  return ranked
    .slice(0, n)
    .map((r) => r.id)
    .sort(byBytes);
}

export function describeRule(rule: SampleRule): string {
  switch (rule.kind) {
    case 'all':
      return 'the whole population';
    case 'fixed':
      return `a fixed sample of ${String(rule.size)}`;
    case 'attribute':
      return `attribute sampling, ${String(Math.round(rule.confidence * 1000) / 10)}% confidence, ${String(Math.round(rule.tolerableRate * 1000) / 10)}% tolerable deviation rate, zero expected deviations`;
  }
}
