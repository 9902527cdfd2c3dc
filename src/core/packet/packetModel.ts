import type { ComplianceStatus, NotApplicableReason } from '../../shared/compliance/complianceStatus';
import type { Audience } from '../../shared/records/maskingPolicy';
import type { ReadinessScore } from '../compliance/readinessScore';

/**
 * Everything an audit packet says, gathered once from the vault (buildPacketModel) and then
 * written out by the report, the workbook and the CSVs. Every value here has already been
 * through the audience's masking policy: a renderer writes what it is given and never reads the
 * vault. Dates are calendar dates (YYYY-MM-DD) or ISO 8601 instants where named `...At`.
 */
export interface PacketModel {
  /** A UUID; derived from the scope and the checkpoint when SOURCE_DATE_EPOCH is set. */
  packetId: string;
  organisation: string;
  /** ISO 8601; SOURCE_DATE_EPOCH when set. */
  builtAt: string;
  scope: PacketScopeSummary;
  signer: PacketSigner;
  checkpoint: PacketCheckpoint;
  /** Over every requirement in scope; and per framework. */
  readiness: { overall: ReadinessScore; frameworks: { id: string; title: string; readiness: ReadinessScore }[] };
  requirements: PacketRequirement[];
  evidence: PacketEvidence[];
  /** Audit-log entries about what the packet holds (imports, reviews, redactions), oldest first. */
  custody: CustodyEntry[];
  /** Null when no request list was given. */
  requests: PacketRequest[] | null;
  /** Every (person, requirement) of the population: what data/records/status.csv holds. */
  statusRows: StatusRow[];
}

export interface PacketScopeSummary {
  frameworks: { id: string; title: string }[];
  /** The period; statuses are as of `to`. */
  from: string;
  to: string;
  /** Empty: all. */
  units: string[];
  roles: string[];
  sites: string[];
  audience: Audience;
}

export interface PacketSigner {
  userName: string;
  /** The printed name of 21 CFR 11.50(a)(1). */
  printedName: string;
  /** `SHA256:...` as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** `ssh-ed25519 AAAA...` */
  publicKeyLine: string;
}

export interface PacketCheckpoint {
  size: number;
  /** base64 Merkle root. */
  root: string;
  at: string;
  signer: string;
}

export type SampleRule = { kind: 'all' } | { kind: 'fixed'; size: number } | { kind: 'attribute'; confidence: number; tolerableRate: number };

export interface RequirementSample {
  rule: SampleRule;
  /** Size the rule asks for, before capping at the population. */
  asked: number;
  /** Record ids (data/records/status.csv `record_id`), sorted. */
  picks: string[];
  /** The people picked, as the packet shows them (pseudonyms for an auditor), in `picks` order. */
  shown: string[];
}

export interface StatusRow {
  requirementId: string;
  /** The stable sort key of the population (the person's record id; not PII). */
  recordId: string;
  /** The person as the audience sees them: a pseudonym for an auditor. */
  person: string;
  unit: string | null;
  role: string | null;
  site: string | null;
  status: ComplianceStatus;
  reason: NotApplicableReason | null;
  dueOn: string | null;
  courseCode: string | null;
  completedOn: string | null;
  /** As the audience sees it: a number, a band such as "80–89", or null. */
  score: number | string | null;
  evidenceIds: string[];
  sampled: boolean;
}

export interface PacketRequirement {
  requirementId: string;
  frameworkId: string;
  clause: string | null;
  title: string;
  /** People the requirement applies to on `to` (status other than not applicable). */
  population: number;
  counts: Partial<Record<ComplianceStatus, number>>;
  /** Rows of statusRows whose status is not compliant or due soon. */
  exceptions: StatusRow[];
  sample: RequirementSample;
}

export interface ReviewSignatureLine {
  printedName: string;
  userName: string;
  at: string;
  /** 21 CFR 11.50(a)(3): what the signature means. */
  meaning: 'reviewed' | 'approved' | 'rejected';
  state: 'accepted' | 'rejected';
  reason: string | null;
}

export interface PacketEvidence {
  evidenceId: string;
  /** Path inside the bag, e.g. data/evidence/<requirement>/<file>. */
  path: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** True when this is a redacted version (its original stays in the vault). */
  redacted: boolean;
  redactedFrom: string | null;
  requirementIds: string[];
  /** As the audience sees the person, or null. */
  person: string | null;
  reviews: ReviewSignatureLine[];
}

export interface CustodyEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  /** One line for a reader. */
  summary: string;
}

export interface PacketRequest {
  requestId: string;
  requestCode: string | null;
  controlCodes: string[];
  details: string;
  assignedTo: string | null;
  dueOn: string | null;
  matchedRequirementIds: string[];
  unmatchedCodes: string[];
  /** False when nothing in the packet answers it: shown as unanswered, never dropped. */
  answered: boolean;
  /** data/requests/<Request ID>/ (a safe folder name). */
  folder: string;
}
