import type { Handlers } from '../../shared/ipc/dispatch';
import type { EvidenceViews } from '../app/evidenceViews';
import { localToday } from '../compliance/calendarDate';
import { reviewGains } from '../compliance/complianceReport';
import { reviewEvidenceBatch } from '../compliance/reviewEvidence';
import { wipe } from '../crypto/wipe';
import type { VaultSession } from '../vault/vaultSession';
import { evidenceDetail } from './evidenceDetail';
import { queryEvidence } from './evidenceQuery';
import { passphraseSigner } from './passphraseSigner';
import { CustodianError } from '../../shared/errors';

type EvidenceChannel =
  | 'custodian:evidence.list'
  | 'custodian:evidence.detail'
  | 'custodian:evidence.viewOpen'
  | 'custodian:evidence.viewRead'
  | 'custodian:evidence.viewClose'
  | 'custodian:evidence.review'
  | 'custodian:evidence.signingState';

/**
 * The evidence workspace's core side. `session` throws vault_locked when no vault is open.
 * Sessions that have signed are remembered (weakly): a session's first signature needs the
 * user name as well as the passphrase (21 CFR 11.200(a)(1)(i)), later ones the passphrase.
 */
export function evidenceHandlers(session: () => VaultSession, views: EvidenceViews): Pick<Handlers, EvidenceChannel> {
  const signedIn = new WeakSet<VaultSession>();
  return {
    'custodian:evidence.list': async ({ asOf, ...query }) => {
      const current = session();
      const gains = query.sort === 'points' ? await reviewGains(current, asOf ?? localToday()) : undefined;
      return queryEvidence(current, query, gains);
    },
    'custodian:evidence.detail': ({ evidenceId }) => evidenceDetail(session(), evidenceId),
    'custodian:evidence.viewOpen': ({ evidenceId, as }) => views.open(session(), evidenceId, as === 'displayed'),
    'custodian:evidence.viewRead': ({ viewId, offset, length }) => Promise.resolve({ data: views.read(session(), viewId, offset, length).toString('base64') }),
    'custodian:evidence.viewClose': ({ viewId }) => {
      views.close(viewId, session());
      return Promise.resolve({});
    },
    'custodian:evidence.signingState': () => {
      const current = session();
      return Promise.resolve({ userName: current.principal.name, needsUserName: !signedIn.has(current) });
    },
    'custodian:evidence.review': async ({ items, userName, passphrase }) => {
      const current = session();
      current.require('evidence.review', 'review evidence');
      if (!signedIn.has(current) && userName === undefined) {
        throw new CustodianError('validation_failed', 'The first signature of a session needs your user name as well as your passphrase.');
      }
      const secret = Buffer.from(passphrase, 'utf8');
      let signer;
      try {
        signer = await passphraseSigner(current, userName ?? null, secret);
      } finally {
        wipe(secret);
      }
      const signed = await reviewEvidenceBatch(
        current,
        items.map((item) => ({
          evidenceId: item.evidenceId,
          state: item.decision === 'accept' ? 'accepted' : 'rejected',
          reason: item.reason ?? null,
          ...(item.meaning ? { meaning: item.meaning } : {}),
          stamp: item.stamp,
        })),
        signer,
      );
      signedIn.add(current);
      return { signed };
    },
  };
}
