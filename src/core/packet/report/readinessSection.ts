import { GAP_LABELS } from '../../../shared/compliance/complianceStatus';
import type { ReadinessScore } from '../../compliance/readinessScore';
import type { Flow } from './flow';
import type { OutlineNode } from './outline';
import { MUTED, num } from './pageLayout';
import type { ReportContext } from './reportContext';
import { requirementHeading } from './requirementsSection';
import { grouped, percent } from './words';

// "Readiness summary": the Audit Readiness Score of all frameworks in scope, then of each
// framework, each as its weighted components; the gaps (costliest first) for the overall score.

export function readinessSection(context: ReportContext, flow: Flow): OutlineNode {
  const { model } = context;
  const requirementTitles = new Map(model.requirements.map((r) => [r.requirementId, requirementHeading(r)]));
  const node = flow.section1('Readiness summary');
  flow.paragraph(
    'The Audit Readiness Score (0\u2013100) is the sum of named components: each is the share of the (person, requirement) pairs ' +
      'it measures that meet it, times its weight. A component with nothing to measure earns no points.',
    { color: MUTED },
  );
  const { overall, frameworks } = model.readiness;
  node.children.push(scoreTables(flow, requirementTitles, 'All frameworks in scope', overall, true));
  for (const framework of frameworks) node.children.push(scoreTables(flow, requirementTitles, framework.title, framework.readiness, false));
  return node;
}

/** One score: a subsection with its components and, if `gaps`, its gaps by requirement heading. */
function scoreTables(flow: Flow, requirementTitles: ReadonlyMap<string, string>, title: string, score: ReadinessScore, gaps: boolean): OutlineNode {
  const headline = score.score === null ? 'not scored (nothing in scope could be measured)' : `${num(score.score)} / 100`;
  const node = flow.section2(title, `Score: ${headline}`, 110);
  flow.table(
    {
      columns: [
        { header: 'Component', share: 0.34 },
        { header: 'Weight', share: 0.12, align: 'right' },
        { header: 'Value', share: 0.16, align: 'right' },
        { header: 'Contribution', share: 0.18, align: 'right' },
        { header: 'Met / measured', share: 0.2, align: 'right' },
      ],
    },
    [
      ...score.components.map((c) => ({
        cells: [
          c.label,
          String(c.weight),
          c.value === null ? 'not measured' : percent(c.value),
          c.contribution.toFixed(1),
          `${grouped(c.met)} / ${grouped(c.measured)}`,
        ],
      })),
      {
        cells: [
          { text: 'Score', font: 'bold' },
          { text: String(score.components.reduce((sum, c) => sum + c.weight, 0)), font: 'bold' },
          '',
          { text: score.score === null ? 'none' : score.score.toFixed(1), font: 'bold' },
          '',
        ],
      },
    ],
  );
  if (score.inGrace > 0) {
    flow.paragraph(`${grouped(score.inGrace)} (person, requirement) pairs are within onboarding grace and not yet measured.`, { color: MUTED });
  }
  if (gaps && score.gaps.length > 0) {
    flow.table(
      {
        caption: 'Gaps, costliest first',
        columns: [
          { header: 'Requirement', share: 0.5 },
          { header: 'Gap', share: 0.22 },
          { header: 'People', share: 0.13, align: 'right' },
          { header: 'Points', share: 0.15, align: 'right' },
        ],
      },
      score.gaps.map((gap) => ({
        cells: [
          gap.requirementId === null ? 'Audit log' : (requirementTitles.get(gap.requirementId) ?? gap.requirementId),
          GAP_LABELS[gap.kind],
          grouped(gap.people),
          gap.points.toFixed(1),
        ],
      })),
    );
  }
  return node;
}
