import { basename } from 'node:path';
import type { PacketScope } from '../../shared/packet/packetScope';
import { printedNameOf } from '../compliance/reviewEvidence';
import { listFrameworks } from '../compliance/requirementStore';
import { sshFingerprint } from '../crypto/sshsig';
import { wipe } from '../crypto/wipe';
import { passphraseSigner } from '../evidence/passphraseSigner';
import { buildPacket } from '../packet/buildPacket';
import type { BuiltPacket, PacketPhase } from '../packet/buildPacket';
import { WITHHELD } from '../packet/packetEvidence';
import { planPacket } from '../packet/planPacket';
import { newestRequestList } from '../packet/requestList';
import type { VaultSession } from '../vault/vaultSession';
import { SessionJobs } from './sessionJobs';

type Progress = { phase: PacketPhase; done: number; total: number };
export type BuildSummary = Omit<BuiltPacket, 'file' | 'checkpointSize'> & { fileName: string };

/** Exceptions the preview lists (a virtual table shows them all; the packet holds every one). */
const PREVIEW_EXCEPTIONS = 50_000;

/**
 * The packet builder's core side: what it offers (frameworks, units, roles, sites, the imported
 * request list, the signer), a preview of exactly what a build would hold (planPacket, the same
 * reading), and the build as a job with progress by phase and cancel. Officers and admins only
 * (`packet.export`); the build re-authenticates the signer (user name and passphrase).
 */
export class PacketJobs {
  private readonly builds = new SessionJobs<Progress, BuildSummary>({
    busy: 'A packet is still being built; wait for it or cancel it.',
    unknown: 'No such packet build.',
    failed: 'The packet could not be built. Nothing was written.',
  });

  async options(session: VaultSession) {
    session.require('packet.export', 'build audit packets');
    const own = session.ownSigner();
    return session.read((db) => {
      const list = newestRequestList(db);
      return {
        frameworks: listFrameworks(db)
          .filter((f) => f.enabled)
          .map((f) => ({ id: f.id, title: f.title })),
        units: db.all<{ name: string }>('SELECT name FROM org_units ORDER BY name COLLATE NOCASE').map((r) => r.name),
        roles: db.all<{ name: string }>('SELECT name FROM job_roles ORDER BY name COLLATE NOCASE').map((r) => r.name),
        sites: db
          .all<{ site: string }>('SELECT DISTINCT site FROM people WHERE current = 1 AND site IS NOT NULL ORDER BY site COLLATE NOCASE')
          .map((r) => r.site),
        requestList: list ? { fileName: list.fileName, requests: list.requests.length } : null,
        signer: {
          userName: own.name,
          printedName: printedNameOf(db, session.principal.userId),
          fingerprint: sshFingerprint(Buffer.from(own.publicKey, 'base64')),
        },
      };
    });
  }

  async preview(session: VaultSession, scope: PacketScope) {
    session.require('packet.export', 'build audit packets');
    const own = session.ownSigner();
    const printedName = await session.read((db) => printedNameOf(db, session.principal.userId));
    const plan = await planPacket(session, scope, { userName: own.name, printedName, publicKey: own.publicKey });
    const exceptions = plan.model.requirements.flatMap((r) => r.exceptions);
    return {
      requirements: plan.model.requirements.map((r) => ({
        requirementId: r.requirementId,
        clause: r.clause,
        title: r.title,
        population: r.population,
        asked: r.sample.asked,
        picked: r.sample.shown,
        exceptions: r.exceptions.length,
      })),
      exceptions: exceptions
        .slice(0, PREVIEW_EXCEPTIONS)
        .map((e) => ({ requirementId: e.requirementId, person: e.person, unit: e.unit, role: e.role, status: e.status, dueOn: e.dueOn })),
      exceptionCount: exceptions.length,
      evidence: plan.model.evidence.length,
      evidenceBytes: plan.model.evidence.reduce((sum, e) => sum + e.size, 0),
      unredacted: plan.model.evidence
        .filter((e) => !e.redacted)
        .map((e) => ({ evidenceId: e.evidenceId, fileName: e.fileName, withheld: e.path === WITHHELD })),
      requests: plan.model.requests
        ? plan.model.requests.map((r) => ({ requestId: r.requestId, answered: r.answered, matched: r.matchedRequirementIds, unmatched: r.unmatchedCodes }))
        : null,
      checkpointSize: plan.checkpoint.size,
    };
  }

  async build(session: VaultSession, input: { scope: PacketScope; out: string; recipients: string[]; userName: string; passphrase: string }): Promise<string> {
    session.require('packet.export', 'build audit packets');
    const secret = Buffer.from(input.passphrase, 'utf8');
    let signer;
    try {
      signer = await passphraseSigner(session, input.userName, secret);
    } finally {
      wipe(secret);
    }
    const ready = signer;
    return this.builds.start(session, { phase: 'reading', done: 0, total: 1 }, async ({ signal, report }) => {
      const built = await buildPacket(session, input.scope, ready, {
        out: input.out,
        recipients: input.recipients,
        // The save dialog asked before replacing a file.
        force: true,
        signal,
        onProgress: (progress) => report(progress),
      });
      return {
        packetId: built.packetId,
        fileName: basename(built.file),
        bytes: built.bytes,
        files: built.files,
        tagmanifestSha256: built.tagmanifestSha256,
        signer: built.signer,
        fingerprint: built.fingerprint,
        encrypted: built.encrypted,
        evidence: built.evidence,
        exceptions: built.exceptions,
        unansweredRequests: built.unansweredRequests,
      };
    });
  }

  status(id: string, session: VaultSession) {
    return this.builds.status(id, session);
  }

  cancel(id: string, session: VaultSession): void {
    this.builds.cancel(id, session);
  }

  abandon(session: VaultSession): void {
    this.builds.abandon(session);
  }
}
