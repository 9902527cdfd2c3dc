/**
 * JSON with object keys sorted at every level and no whitespace: the byte string that MACs
 * and associated data are computed over, so that re-serialising a header cannot change them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return (
    flatCanonicalJson(record, keys) ??
    `{${keys
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`
  );
}

const ARRAY_INDEX = /^\d+$/;

/**
 * The common case, fast: an object whose values are all strings, numbers, booleans, null or
 * undefined. Copied into a new object in sorted key order, JSON.stringify writes exactly the
 * bytes above (it keeps insertion order and drops undefined). Not for keys that look like
 * array indices (JavaScript orders those numerically, first), `__proto__` (assigning it sets
 * the prototype) or any other kind of value:
 * returns undefined, and the general path runs.
 */
function flatCanonicalJson(record: Record<string, unknown>, sortedKeys: readonly string[]): string | undefined {
  const sorted: Record<string, unknown> = {};
  for (const key of sortedKeys) {
    const item = record[key];
    const kind = typeof item;
    if (
      !(item === null || kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'undefined') ||
      ARRAY_INDEX.test(key) ||
      key === '__proto__'
    )
      return undefined;
    sorted[key] = item;
  }
  return JSON.stringify(sorted);
}
