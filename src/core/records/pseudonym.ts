import { createHmac } from 'node:crypto';

// A stable pseudonym per person and vault ("P-7F3K2Q"), shown instead of the employee id to
// roles that may not see PII, so an auditor can tell people apart, sample one and ask about
// them by it, and the officer can look them up (the people search accepts pseudonyms).
//
// HMAC-SHA256 keyed by the vault id over the person's record id: the same on every screen and
// export of one vault, unrelated across vaults. It hides nothing the record id does not already
// hide (neither is PII); it is short enough to read aloud. Six Crockford base32 characters (30
// bits): at 10,000 people the chance that two share one is about 5 in 100,000; a search by a
// shared pseudonym shows both.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PSEUDONYM = /^P-[0-9A-HJKMNP-TV-Z]{6}$/;

export function pseudonym(vaultId: string, personId: string): string {
  const digest = createHmac('sha256', `custodian pseudonym v1 ${vaultId}`).update(personId).digest();
  let bits = digest.readUInt32BE(0);
  let text = '';
  for (let i = 0; i < 6; i++) {
    text += ALPHABET.charAt(bits & 31);
    bits >>>= 5;
  }
  return `P-${text}`;
}
