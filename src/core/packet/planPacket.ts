import { createHash, randomUUID } from 'node:crypto';
import { CustodianError } from '../../shared/errors';
import type { PacketScope } from '../../shared/packet/packetScope';
import type { Checkpoint } from '../audit/checkpoint';
import { canonicalJson } from '../crypto/canonicalJson';
import { sshFingerprint, sshPublicKeyLine } from '../crypto/sshsig';
import type { VaultSession } from '../vault/vaultSession';
import { packetAudit, packetCheckpoint } from './packetAudit';
import { packetEvidence, safeFileName } from './packetEvidence';
import type { EvidenceSource } from './packetEvidence';
import type { PacketProofs } from './packetFormat';
import { PAYLOAD } from './packetFormat';
import type { PacketModel, PacketRequest, PacketRequirement, StatusRow } from './packetModel';
import { gatherPopulation } from './packetPopulation';
import { pushTo } from './pushTo';
import { matchRequest, newestRequestList } from './requestList';
import { askedSize, derivedSeed, populationHash, samplePicks, SAMPLING_PROCEDURE, SEED_DERIVATION, sortedPopulation } from './sampling';

/** Who signs the packet: the exporting user (their key signs the tagmanifest). */
export interface PacketSignerInfo {
  userName: string;
  printedName: string;
  /** Raw Ed25519 public key, base64. */
  publicKey: string;
}

/** Everything a packet will hold but the rendered files and the evidence bytes. */
export interface PacketPlan {
  scope: PacketScope;
  model: PacketModel;
  /** data/sample.json */
  sampleJson: string;
  checkpoint: Checkpoint;
  proofs: PacketProofs;
  /** data/audit/allowed_signers: the keys of the checkpoints it cites. */
  auditAllowedSigners: string;
  sources: EvidenceSource[];
  /** The sampling seed and whether it was given (chosen) or derived from the checkpoint. */
  seed: { value: string; source: 'derived' | 'chosen' };
}

const EXCEPTION_FREE = new Set(['compliant', 'due_soon', 'not_applicable']);

/** A UUID (version 4 layout) from a hash: the packet id of a reproducible build. */
function uuidFrom(digest: Buffer): string {
  const b = Buffer.from(digest.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Reads the vault once for a packet: population and statuses as of the period's end, the sample
 * (sampling.ts), the evidence (redacted versions in place of originals), the chain of custody
 * and its proofs, the request list answered request by request. Everything is already masked
 * for the scope's audience. `builtAt` given (SOURCE_DATE_EPOCH): the packet id and default seed
 * are derived from the inputs, so an unchanged vault gives the same plan.
 */
export async function planPacket(session: VaultSession, scope: PacketScope, signer: PacketSignerInfo, options: { builtAt?: Date } = {}): Promise<PacketPlan> {
  session.require('packet.export', 'build audit packets');
  session.require('evidence.decrypt', 'put evidence into audit packets');
  const reproducible = options.builtAt !== undefined;
  const builtAt = (options.builtAt ?? new Date()).toISOString();
  const population = await gatherPopulation(session, scope);
  const checkpoint = await session.read((db) => packetCheckpoint(db, session.vaultId));
  const scopeKey = canonicalJson({ ...scope, vaultId: session.vaultId, root: checkpoint.root, size: checkpoint.size });
  const seed = scope.seed ?? derivedSeed(session.vaultId, checkpoint.size, checkpoint.root);
  const packetId = reproducible ? uuidFrom(createHash('sha256').update(`custodian packet id v1\n${scopeKey}\n${builtAt}`).digest()) : randomUUID();

  // Sampling, requirement by requirement, over the applicable pairs.
  const byRequirement = new Map<string, typeof population.rows>();
  for (const row of population.rows) pushTo(byRequirement, row.requirementId, row);
  const picked = new Set<string>();
  const sampleEntries: unknown[] = [];
  const samples = new Map<string, { asked: number; picks: string[] }>();
  for (const requirement of population.requirements) {
    const rows = (byRequirement.get(requirement.requirementId) ?? []).filter((r) => r.status !== 'not_applicable');
    const ids = sortedPopulation(rows.map((r) => r.recordId));
    const asked = askedSize(scope.sample, ids.length);
    const picks = samplePicks(ids, seed, requirement.requirementId, Math.min(asked, ids.length));
    for (const id of picks) picked.add(`${requirement.requirementId}\n${id}`);
    samples.set(requirement.requirementId, { asked, picks });
    sampleEntries.push({
      requirementId: requirement.requirementId,
      clause: requirement.clause,
      populationSize: ids.length,
      populationSha256: populationHash(ids),
      asked,
      picks,
    });
  }

  // Evidence of the sampled pairs' completions, and of the requirements themselves.
  const completionIds = new Map<string, string[]>();
  for (const row of population.rows) {
    if (row.completionId === null || !picked.has(`${row.requirementId}\n${row.recordId}`)) continue;
    pushTo(completionIds, row.completionId, row.requirementId);
  }
  const requirementIds = population.requirements.map((r) => r.requirementId);
  const { evidence, sources, byCompletion, custody, proofs, auditAllowedSigners, requestList } = await session.read((db) => {
    const found = packetEvidence(db, session.vaultId, population.policy, { completionIds, requirementIds }, scope.includeUnredacted);
    const cited = [...found.evidence.map((e) => e.evidenceId), ...found.sources.map((s) => s.fileId)];
    const audit = packetAudit(db, checkpoint, [...new Set(cited)], population.policy.classes.pii === 'keep');
    const list = scope.useRequests ? newestRequestList(db) : null;
    return { ...found, custody: audit.custody, proofs: audit.proofs, auditAllowedSigners: audit.allowedSigners, requestList: list };
  });
  if (scope.useRequests && !requestList) {
    throw new CustodianError(
      'validation_failed',
      'No request list has been imported into this vault: import one first (custodian requests import VAULT FILE).',
    );
  }

  const statusRows: StatusRow[] = population.rows.map(({ completionId, ...row }) => ({
    ...row,
    evidenceIds: completionId === null ? [] : (byCompletion.get(completionId) ?? []),
    sampled: picked.has(`${row.requirementId}\n${row.recordId}`),
  }));
  const rowsOf = new Map<string, StatusRow[]>();
  for (const row of statusRows) pushTo(rowsOf, row.requirementId, row);
  const requirements: PacketRequirement[] = population.requirements.map((r) => {
    const rows = rowsOf.get(r.requirementId) ?? [];
    const applicable = rows.filter((row) => row.status !== 'not_applicable');
    const counts: PacketRequirement['counts'] = {};
    for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
    const sample = samples.get(r.requirementId) ?? { asked: 0, picks: [] };
    const shownById = new Map(applicable.map((row) => [row.recordId, row.person]));
    return {
      requirementId: r.requirementId,
      frameworkId: r.frameworkId,
      clause: r.clause,
      title: r.title,
      population: applicable.length,
      counts,
      exceptions: rows.filter((row) => !EXCEPTION_FREE.has(row.status)),
      sample: { rule: scope.sample, asked: sample.asked, picks: sample.picks, shown: sample.picks.map((id) => shownById.get(id) ?? id) },
    };
  });

  const clauses = population.requirements.map((r) => ({ requirementId: r.requirementId, clause: r.clause }));
  const usedFolders = new Set<string>();
  const requests: PacketRequest[] | null = requestList
    ? requestList.requests.map((request) => {
        const { matched, unmatched } = matchRequest(request, clauses);
        let folder = `${PAYLOAD.requests}/${safeFileName(request.requestId)}`;
        for (let n = 2; usedFolders.has(folder.toLowerCase()); n++) folder = `${PAYLOAD.requests}/${safeFileName(request.requestId)} (${String(n)})`;
        usedFolders.add(folder.toLowerCase());
        return { ...request, matchedRequirementIds: matched, unmatchedCodes: unmatched, answered: matched.length > 0, folder };
      })
    : null;

  const publicKey = Buffer.from(signer.publicKey, 'base64');
  const model: PacketModel = {
    packetId,
    organisation: scope.organisation,
    builtAt,
    scope: {
      frameworks: population.frameworks,
      from: scope.from,
      to: scope.to,
      units: scope.units,
      roles: scope.roles,
      sites: scope.sites,
      audience: scope.audience,
    },
    signer: { userName: signer.userName, printedName: signer.printedName, fingerprint: sshFingerprint(publicKey), publicKeyLine: sshPublicKeyLine(publicKey) },
    checkpoint: { size: checkpoint.size, root: checkpoint.root, at: checkpoint.at, signer: checkpoint.signer },
    readiness: population.readiness,
    requirements,
    evidence,
    custody,
    requests,
    statusRows,
  };
  const sampleJson = `${JSON.stringify(
    {
      format: 'custodian-sample/1',
      procedure: SAMPLING_PROCEDURE,
      asOf: scope.to,
      seed,
      seedSource: scope.seed === null ? 'derived' : 'chosen',
      seedDerivation: SEED_DERIVATION,
      rule: scope.sample,
      requirements: sampleEntries,
    },
    null,
    2,
  )}\n`;
  return {
    scope,
    model,
    sampleJson,
    checkpoint,
    proofs,
    auditAllowedSigners,
    sources,
    seed: { value: seed, source: scope.seed === null ? 'derived' : 'chosen' },
  };
}
