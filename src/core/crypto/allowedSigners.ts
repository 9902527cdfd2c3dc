// OpenSSH allowed_signers (ssh-keygen(1), "ALLOWED SIGNERS"), read as ssh-keygen reads it:
// `principals [options] keytype base64-key [comment]` per line, options cert-authority,
// namespaces="...", valid-after="..." and valid-before="...". The parse is strict (a line
// ssh-keygen would refuse is refused here, named by its number); matching follows OpenSSH's
// match_pattern_list. Only Ed25519 keys can be used: other key types parse, with no key.

export interface AllowedSigner {
  /** 1-based line number in the file. */
  line: number;
  /** Comma-separated patterns (`*`, `?`, `!` negation), as match_pattern_list reads them. */
  principals: string;
  /** Namespace patterns; null: the line allows every namespace. */
  namespaces: string | null;
  certAuthority: boolean;
  validAfter: Date | null;
  validBefore: Date | null;
  keyType: string;
  /** Raw Ed25519 public key; null for another key type (which this verifier cannot use). */
  publicKey: Buffer | null;
}

/** Splits at whitespace, keeping double-quoted runs (which may hold spaces) inside a token. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === ' ' || ch === '\t')) {
      if (current !== '') out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) throw new Error('an unterminated quote');
  if (current !== '') out.push(current);
  return out;
}

function isKeyType(token: string): boolean {
  return /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-|sk-)/.test(token) || token.endsWith('@openssh.com');
}

/** valid-after / valid-before: YYYYMMDD[HHMM[SS]], local time unless it ends in Z. */
function parseSignerTime(value: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = match;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  return zone === 'Z' ? new Date(Date.UTC(...parts)) : new Date(...parts);
}

/**
 * The raw key of an `ssh-ed25519` base64 blob (the key field of an allowed_signers line or a
 * `.pub` file), or null if the blob is not one, or not in canonical base64.
 */
export function ed25519Key(keyType: string, base64: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64') !== base64) return null;
  if (keyType !== 'ssh-ed25519') return null;
  if (blob.length !== 51 || blob.readUInt32BE(0) !== 11 || blob.subarray(4, 15).toString() !== 'ssh-ed25519' || blob.readUInt32BE(15) !== 32) return null;
  return blob.subarray(19);
}

function parseSignerOptions(field: string, signer: AllowedSigner): void {
  const options: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of field) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      options.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  options.push(current);
  for (const option of options) {
    const match = /^([a-z-]+)(?:="([^"]*)")?$/i.exec(option);
    const name = match?.[1]?.toLowerCase();
    const value = match?.[2];
    if (name === 'cert-authority' && value === undefined) signer.certAuthority = true;
    else if (name === 'namespaces' && value !== undefined) signer.namespaces = value;
    else if ((name === 'valid-after' || name === 'valid-before') && value !== undefined) {
      const time = parseSignerTime(value);
      if (!time) throw new Error(`an unreadable ${name} time`);
      if (name === 'valid-after') signer.validAfter = time;
      else signer.validBefore = time;
    } else {
      throw new Error(`an option ssh-keygen does not know (${option})`);
    }
  }
}

/**
 * Parses an allowed_signers file strictly, as ssh-keygen reads it: blank and `#` lines skipped.
 * @throws Error naming the first malformed line.
 */
export function parseAllowedSigners(text: string): AllowedSigner[] {
  const signers: AllowedSigner[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const fields = tokens(line);
      const [principals, second, third, fourth] = fields;
      if (principals === undefined || second === undefined || third === undefined) throw new Error('fewer than three fields');
      // ssh-keygen (strdelim) reads a quoted field up to its closing quote and no further.
      if (principals.startsWith('"') && (principals.length < 2 || !principals.endsWith('"') || principals.slice(1, -1).includes('"'))) {
        throw new Error('a quoted principals field with more after its quote');
      }
      const signer: AllowedSigner = {
        line: index + 1,
        principals: principals.startsWith('"') ? principals.slice(1, -1) : principals,
        namespaces: null,
        certAuthority: false,
        validAfter: null,
        validBefore: null,
        keyType: '',
        publicKey: null,
      };
      let keyType: string;
      let key: string;
      if (isKeyType(second)) {
        keyType = second;
        key = third;
      } else {
        if (fourth === undefined) throw new Error('no key after the options');
        parseSignerOptions(second, signer);
        keyType = third;
        key = fourth;
      }
      if (!isKeyType(keyType)) throw new Error(`an unknown key type (${keyType})`);
      signer.keyType = keyType;
      signer.publicKey = ed25519Key(keyType, key);
      if (keyType === 'ssh-ed25519' && !signer.publicKey) throw new Error('an ssh-ed25519 key that does not decode');
      signers.push(signer);
    } catch (error) {
      throw new Error(`line ${String(index + 1)} has ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return signers;
}

const STAR = 0x2a;
const QUESTION = 0x3f;

/**
 * OpenSSH match_pattern: `*` any run of bytes, `?` one byte, every other byte literal, over the
 * whole string (compared as UTF-8 bytes, as ssh-keygen compares them). Greedy with one backtrack
 * point, the last `*`: at most value × pattern steps, whatever the pattern. (A backtracking
 * regex, like OpenSSH's own recursion, takes time growing as a power of the number of stars
 * when the match fails: `namespaces="****...z"` in a packet's allowed_signers would hang.)
 */
function matchPattern(value: string, pattern: string): boolean {
  const text = Buffer.from(value, 'utf8');
  const glob = Buffer.from(pattern, 'utf8');
  let t = 0;
  let g = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const p = glob[g];
    if (p === STAR) {
      star = g;
      g += 1;
      resume = t;
    } else if (p !== undefined && (p === QUESTION || p === text[t])) {
      g += 1;
      t += 1;
    } else if (star >= 0) {
      // Let the last star take one more byte, and match the rest of the pattern from there.
      g = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (glob[g] === STAR) g += 1;
  return g === glob.length;
}

/** OpenSSH match_pattern_list: some pattern matches and no negated (`!`) one does. */
export function matchPatternList(value: string, list: string): boolean {
  let matched = false;
  for (const pattern of list.split(',')) {
    const negated = pattern.startsWith('!');
    if (matchPattern(value, negated ? pattern.slice(1) : pattern)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * The Ed25519 keys the file allows `identity` (any principal if null) to sign `namespace` with at
 * `now`. A cert-authority line gives none: it vouches for certificates, which are not read here.
 */
export function keysFor(signers: readonly AllowedSigner[], identity: string | null, namespace: string, now = new Date()): Buffer[] {
  return signers
    .filter(
      (s) =>
        !s.certAuthority &&
        (identity === null || matchPatternList(identity, s.principals)) &&
        (s.namespaces === null || matchPatternList(namespace, s.namespaces)) &&
        (s.validAfter === null || s.validAfter <= now) &&
        (s.validBefore === null || now <= s.validBefore),
    )
    .flatMap((s) => (s.publicKey ? [s.publicKey] : []));
}
