import { describe, expect, it } from 'vitest';
import { certificationStatus, renewedCertifications } from './certificationStatus';

describe('certificationStatus', () => {
  it('is valid through the expiry day, expiring within 90 days, expired after', () => {
    expect(certificationStatus('2025-06-30', '2025-07-01')).toEqual({ state: 'expired', days: -1 });
    expect(certificationStatus('2025-06-30', '2025-06-30')).toEqual({ state: 'expiring', days: 0 });
    expect(certificationStatus('2025-09-28', '2025-06-30')).toEqual({ state: 'expiring', days: 90 });
    expect(certificationStatus('2025-09-29', '2025-06-30')).toEqual({ state: 'valid', days: 91 });
    expect(certificationStatus('2028-02-29', '2027-02-28')).toEqual({ state: 'valid', days: 366 });
  });

  it('says when there is no expiry, or none it can read', () => {
    expect(certificationStatus(null, '2025-06-30')).toEqual({ state: 'noExpiry' });
    expect(certificationStatus('•••••', '2025-06-30')).toEqual({ state: 'unknown' });
  });

  it('knows a card replaced by a later one of the same name', () => {
    const cards = [
      { certificationId: 'a', name: 'BLS Provider', expiresOn: '2025-01-31' },
      { certificationId: 'b', name: 'bls provider', expiresOn: '2027-01-31' },
      { certificationId: 'c', name: 'ACLS Provider', expiresOn: '2024-05-31' },
      { certificationId: 'd', name: 'Registered Nurse', expiresOn: null },
      { certificationId: 'e', name: 'Registered Nurse', expiresOn: '2026-01-01' },
      { certificationId: 'f', name: 'ACLS Provider', expiresOn: '•••••' },
    ];
    expect(renewedCertifications(cards)).toEqual(new Set(['a']));
  });
});
