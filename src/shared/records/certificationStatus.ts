/** How close to expiry a certification is shown as "expires soon". */
export const EXPIRY_WARNING_DAYS = 90;

export type CertificationStatus =
  | { state: 'expired'; days: number }
  | { state: 'expiring'; days: number }
  | { state: 'valid'; days: number }
  | { state: 'noExpiry' }
  /** The expiry is masked or not an ISO date. */
  | { state: 'unknown' };

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(isoDay: string): number | null {
  const match = ISO_DAY.exec(isoDay);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(ms) ? null : ms / 86_400_000;
}

/**
 * A certification's standing on `today` (both `YYYY-MM-DD`). It is valid through its expiry
 * day; `days` is how many days until it expires (negative: since it expired).
 */
export function certificationStatus(expiresOn: string | null, today: string): CertificationStatus {
  if (expiresOn === null) return { state: 'noExpiry' };
  const expires = dayNumber(expiresOn);
  const now = dayNumber(today);
  if (expires === null || now === null) return { state: 'unknown' };
  const days = expires - now;
  if (days < 0) return { state: 'expired', days };
  return days <= EXPIRY_WARNING_DAYS ? { state: 'expiring', days } : { state: 'valid', days };
}

/**
 * The certifications replaced by a renewal: another of the same name (case-insensitive)
 * expires later. Their own expiry no longer says whether the person is certified.
 */
export function renewedCertifications(certifications: readonly { certificationId: string; name: string; expiresOn: string | null }[]): Set<string> {
  const dated = certifications.filter((c): c is typeof c & { expiresOn: string } => c.expiresOn !== null && ISO_DAY.test(c.expiresOn));
  const latest = new Map<string, string>();
  for (const c of dated) {
    const key = c.name.toLowerCase();
    if (c.expiresOn > (latest.get(key) ?? '')) latest.set(key, c.expiresOn);
  }
  return new Set(dated.filter((c) => c.expiresOn < (latest.get(c.name.toLowerCase()) ?? '')).map((c) => c.certificationId));
}
