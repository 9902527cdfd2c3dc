import type { PacketModel, StatusRow } from '../../src/core/packet/packetModel';
import type { ReadinessScore } from '../../src/core/compliance/readinessScore';

const score: ReadinessScore = {
  score: 82.5,
  components: [
    { id: 'coverage', label: 'Coverage', weight: 25, value: 0.9, contribution: 22.5, met: 90, measured: 100 },
    { id: 'currency', label: 'Currency', weight: 25, value: 0.8, contribution: 20, met: 80, measured: 100 },
    { id: 'competence', label: 'Competence', weight: 15, value: 1, contribution: 15, met: 50, measured: 50 },
    { id: 'evidence', label: 'Evidence completeness', weight: 15, value: 0.5, contribution: 7.5, met: 10, measured: 20 },
    { id: 'review', label: 'Review state', weight: 10, value: 0.75, contribution: 7.5, met: 3, measured: 4 },
    { id: 'integrity', label: 'Audit-log integrity', weight: 10, value: 1, contribution: 10, met: 1, measured: 1 },
  ],
  gaps: [{ requirementId: 'hipaa-security-awareness', frameworkId: 'hipaa', kind: 'expired', people: 12, points: 3.2 }],
  inGrace: 2,
};

/**
 * A packet model as buildPacketModel would give it, without a vault: for the renderers' tests.
 * `rows` status rows for the first requirement (long tables must break across pages); hostile
 * cell values (formulas, control characters) where a real vault could hold them.
 */
export function packetModelFixture(rows = 40): PacketModel {
  const statusRows: StatusRow[] = Array.from({ length: rows }, (_, i) => ({
    requirementId: 'hipaa-security-awareness',
    recordId: `rec-${String(i).padStart(5, '0')}`,
    person: `P-${String(100000 + i)}`,
    unit: i % 7 === 0 ? '=HYPERLINK("http://evil.example","x")' : 'Cardiology',
    role: i % 5 === 0 ? '+Nurse' : 'Nurse',
    site: i % 3 === 0 ? '@Main' : 'North',
    status: i % 4 === 0 ? 'expired' : 'compliant',
    reason: null,
    dueOn: '2026-03-01',
    courseCode: 'HIPAA-101',
    completedOn: i % 4 === 0 ? null : '2025-04-02',
    score: i % 2 === 0 ? 91 : '80–89',
    evidenceIds: i === 1 ? ['ev-1'] : [],
    sampled: i < 29,
  }));
  const exceptions = statusRows.filter((r) => r.status !== 'compliant');
  return {
    packetId: '6f1c2a52-1b7e-4f7e-9d5c-1d2e3f405060',
    organisation: 'St. Example Hospital',
    builtAt: '2026-12-01T09:30:00.000Z',
    scope: {
      frameworks: [{ id: 'hipaa', title: 'HIPAA Security Rule' }],
      from: '2026-01-01',
      to: '2026-06-30',
      units: ['Cardiology'],
      roles: [],
      sites: [],
      audience: 'auditor',
    },
    signer: {
      userName: 'olivia',
      printedName: 'Olivia Officer',
      fingerprint: 'SHA256:k0Q9n8tZC7m8D3a9vC4JpQy7d2XyXwqf0uJr7GgR1nE',
      publicKeyLine: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExampleEx',
    },
    checkpoint: { size: 1234, root: 'q0D2Gw1o6r8m1cA9bqzXr0rZy3V9P2Yw3nQ5x4t7u8k=', at: '2026-12-01T09:29:59.000Z', signer: 'olivia' },
    readiness: { overall: score, frameworks: [{ id: 'hipaa', title: 'HIPAA Security Rule', readiness: score }] },
    requirements: [
      {
        requirementId: 'hipaa-security-awareness',
        frameworkId: 'hipaa',
        clause: '164.308(a)(5)',
        title: 'Security awareness and training',
        population: rows,
        counts: { compliant: rows - exceptions.length, expired: exceptions.length },
        exceptions,
        sample: {
          rule: { kind: 'attribute', confidence: 0.95, tolerableRate: 0.1 },
          asked: 29,
          picks: statusRows.slice(0, Math.min(29, rows)).map((r) => r.recordId),
          shown: statusRows.slice(0, Math.min(29, rows)).map((r) => r.person),
        },
      },
      {
        requirementId: 'hipaa-phishing',
        frameworkId: 'hipaa',
        clause: '164.308(a)(5)(ii)(B)',
        title: 'Protection from malicious software',
        population: 0,
        counts: {},
        exceptions: [],
        sample: { rule: { kind: 'all' }, asked: 0, picks: [], shown: [] },
      },
    ],
    evidence: [
      {
        evidenceId: 'ev-1',
        path: 'data/evidence/hipaa-security-awareness/certificate (redacted).pdf',
        fileName: 'certificate (redacted).pdf',
        mediaType: 'application/pdf',
        size: 48213,
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        redacted: true,
        redactedFrom: 'ev-0',
        requirementIds: ['hipaa-security-awareness'],
        person: 'P-100001',
        reviews: [{ printedName: 'Rita Reviewer', userName: 'rita', at: '2026-11-02T14:05:00.000Z', meaning: 'approved', state: 'accepted', reason: null }],
      },
    ],
    custody: [
      { seq: 10, at: '2026-10-01T08:00:00.000Z', actor: 'olivia', action: 'evidence.add', target: 'ev-0', summary: 'added certificate.pdf' },
      { seq: 11, at: '2026-10-02T08:00:00.000Z', actor: 'olivia', action: 'evidence.redact', target: 'ev-1', summary: 'redacted ev-0 (PII)' },
      { seq: 12, at: '2026-11-02T14:05:00.000Z', actor: 'rita', action: 'evidence.review', target: 'ev-1', summary: 'approved' },
    ],
    requests: [
      {
        requestId: 'REQ-001',
        requestCode: 'HR-1',
        controlCodes: ['164.308(a)(5)'],
        details: 'Provide security awareness training records for the period.',
        assignedTo: 'olivia',
        dueOn: '2026-12-15',
        matchedRequirementIds: ['hipaa-security-awareness'],
        unmatchedCodes: [],
        answered: true,
        folder: 'data/requests/REQ-001',
      },
      {
        requestId: 'REQ-002',
        requestCode: null,
        controlCodes: ['CC9.9'],
        details: '-2+3 cmd|calc',
        assignedTo: null,
        dueOn: null,
        matchedRequirementIds: [],
        unmatchedCodes: ['CC9.9'],
        answered: false,
        folder: 'data/requests/REQ-002',
      },
    ],
    statusRows,
  };
}
