import { reviewEvidenceBatch } from '../compliance/reviewEvidence';
import type { ReviewState } from '../compliance/reviewEvidence';
import { findPack } from '../compliance/frameworkPacks';
import { enableFramework, saveRequirement } from '../compliance/requirementStore';
import type { VaultSession } from '../vault/vaultSession';
import { DEMO_UNITS } from './demoOrganisation';
import { mixSeed, SeededRandom } from './seededRandom';

/** The packs a US hospital with an EU-facing corporate office answers to (not FedRAMP). */
const DEMO_PACKS = ['hipaa', 'osha-bbp', 'soc2', 'gdpr'] as const;

const unitsWhere = (test: (unit: (typeof DEMO_UNITS)[number]) => boolean) => DEMO_UNITS.filter(test).map((u) => u.name);

/** How the demo officer adapted the packs to the hospital: each is a logged new version. */
const ADAPTATIONS: readonly { id: string; units: string[]; reason: string }[] = [
  {
    id: 'osha-bbp.training',
    units: unitsWhere((u) => u.exposure === true),
    reason: 'scope: units with occupational exposure (exposure control plan, 1910.1030(c))',
  },
  { id: 'gdpr.staff-training', units: unitsWhere((u) => u.personalData === true), reason: 'scope: units processing EU residents\u2019 personal data' },
  {
    id: 'gdpr.processing-on-instructions',
    units: unitsWhere((u) => u.personalData === true),
    reason: 'scope: units processing EU residents\u2019 personal data',
  },
  { id: 'soc2.competence', units: unitsWhere((u) => u.kind === 'it'), reason: 'scope: staff with security responsibilities (IT)' },
];

/**
 * Enables the demo's framework packs, adapts their scope to the hospital's units, and reviews
 * the demo's evidence (most accepted, a few rejected with a reason, the rest awaiting review),
 * so the dashboard has something true to say. Deterministic per seed. The packs are in force
 * from `effectiveFrom` (the start of the demo's history), so its trend has something to measure.
 */
export async function enableDemoFrameworks(session: VaultSession, seed: number, effectiveFrom: string): Promise<void> {
  for (const id of DEMO_PACKS) await enableFramework(session, id, { effectiveFrom });
  for (const adaptation of ADAPTATIONS) {
    const pack = findPack(adaptation.id.split('.')[0] ?? '');
    const requirement = pack?.requirements.find((r) => r.id === adaptation.id);
    if (!requirement) continue;
    await saveRequirement(session, {
      id: requirement.id,
      title: requirement.title,
      clause: requirement.clause,
      summary: requirement.summary,
      rule: { ...requirement.rule, appliesTo: { ...requirement.rule.appliesTo, units: adaptation.units }, effectiveFrom },
      reason: adaptation.reason,
    });
  }
  // In the order the files were added (ids are random; the order is the seed's).
  const evidence = await session.read((db) =>
    db.all<{ id: string }>(
      "SELECT e.id FROM evidence e WHERE EXISTS (SELECT 1 FROM evidence_links l WHERE l.evidence_id = e.id AND l.target_kind = 'completion') ORDER BY e.rowid",
    ),
  );
  const random = new SeededRandom(mixSeed(seed, 7));
  const reviews: { evidenceId: string; state: ReviewState; reason: string | null }[] = [];
  for (const { id } of evidence) {
    const draw = random.next();
    if (draw < 0.8) reviews.push({ evidenceId: id, state: 'accepted', reason: null });
    else if (draw < 0.86)
      reviews.push({
        evidenceId: id,
        state: 'rejected',
        reason:
          draw < 0.83 ? 'scan illegible: trainer signature cannot be read' : 'sign-in sheet lacks the trainees\u2019 job titles (29 CFR 1910.1030(h)(2)(i)(D))',
      });
  }
  await reviewEvidenceBatch(session, reviews);
}
