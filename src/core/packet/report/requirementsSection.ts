import { COMPLIANCE_STATUSES, STATUS_LABELS } from '../../../shared/compliance/complianceStatus';
import type { PacketRequirement } from '../packetModel';
import { describeRule } from '../sampling';
import type { Flow } from './flow';
import type { OutlineNode } from './outline';
import { MUTED } from './pageLayout';
import type { ReportContext } from './reportContext';
import { kv } from './tableSpec';
import { grouped, orDash } from './words';

// "Requirements": for each requirement in scope, a subsection with its population on the
// period's last day, status counts, every exception (never truncated: the table breaks across
// pages) and the sample drawn. Yields to the event loop after each requirement.

/** `164.308(a)(5)  Security awareness and training`: the clause, when there is one, and the title. */
export function requirementHeading(requirement: PacketRequirement): string {
  return requirement.clause === null || requirement.clause === '' ? requirement.title : `${requirement.clause}  ${requirement.title}`;
}

export async function requirementsSection(context: ReportContext, flow: Flow): Promise<OutlineNode> {
  const { model, progress } = context;
  const frameworkTitles = new Map([...model.scope.frameworks, ...model.readiness.frameworks].map((f) => [f.id, f.title]));
  const node = flow.section1('Requirements');
  flow.paragraph(
    `For each requirement in scope: the people it applies to on ${model.scope.to}, their statuses, every exception ` +
      '(a status other than compliant or due soon) and the sample drawn for testing. Every person\u2019s status is in data/records/status.csv.',
    { color: MUTED },
  );
  for (const requirement of model.requirements) {
    node.children.push(requirementSubsection(context, flow, frameworkTitles, requirement));
    progress.step(1);
    await progress.yield();
  }
  return node;
}

function requirementSubsection(context: ReportContext, flow: Flow, frameworkTitles: ReadonlyMap<string, string>, requirement: PacketRequirement): OutlineNode {
  const framework = frameworkTitles.get(requirement.frameworkId) ?? requirement.frameworkId;
  const node = flow.section2(requirementHeading(requirement), `${framework} \u00b7 ${requirement.requirementId}`);
  const keyValue = {
    columns: [
      { header: '', share: 0.2 },
      { header: '', share: 0.8 },
    ],
    header: false,
    rules: false,
  };
  flow.table(keyValue, [kv('Population', `${grouped(requirement.population)} people the requirement applies to on ${context.model.scope.to}`)]);

  const statuses = COMPLIANCE_STATUSES.filter((status) => (requirement.counts[status] ?? 0) > 0);
  if (statuses.length > 0) {
    flow.table(
      {
        caption: 'Status counts',
        width: 0.42,
        columns: [
          { header: 'Status', share: 0.64 },
          { header: 'People', share: 0.36, align: 'right' },
        ],
      },
      statuses.map((status) => ({ cells: [STATUS_LABELS[status], grouped(requirement.counts[status] ?? 0)] })),
    );
  }

  const exceptions = requirement.exceptions;
  if (exceptions.length === 0) {
    flow.caption('Exceptions', 14);
    flow.paragraph(requirement.population === 0 ? 'None: nobody is in the population.' : 'None: every person in the population is compliant or due soon.', {
      color: MUTED,
    });
  } else {
    flow.table(
      {
        caption: `Exceptions (${grouped(exceptions.length)})`,
        columns: [
          { header: 'Person', share: 0.2 },
          { header: 'Unit', share: 0.28 },
          { header: 'Role', share: 0.2 },
          { header: 'Status', share: 0.18 },
          { header: 'Due on', share: 0.14 },
        ],
      },
      exceptions.map((row) => ({ cells: [row.person, orDash(row.unit), orDash(row.role), STATUS_LABELS[row.status], orDash(row.dueOn)] })),
      () => context.progress.row(),
    );
  }

  const { sample } = requirement;
  const capped = sample.picks.length < sample.asked ? ` (capped at the population of ${grouped(requirement.population)})` : '';
  flow.table({ ...keyValue, caption: 'Sample' }, [
    kv('Rule', `${describeRule(sample.rule)}: n = ${grouped(sample.asked)}`),
    kv('Asked / picked', `${grouped(sample.asked)} asked, ${grouped(sample.picks.length)} picked${capped}`),
    kv('People picked', sample.shown.length === 0 ? 'none' : sample.shown.join(', ')),
  ]);
  flow.space(6);
  return node;
}
