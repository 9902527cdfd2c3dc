import type { Command } from 'commander';
import type { ComplianceReport } from '../../core/compliance/complianceReport';
import type { RequirementRuleInput } from '../../core/compliance/requirementRule';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { unlockOptions, withVault } from '../unlock';
import type { UnlockFlags } from '../unlock';

interface JsonFlag extends UnlockFlags {
  json?: boolean;
}

/** `12m`, `1y`, `none` -> months (null for none). */
export async function parseEvery(text: string): Promise<number | null> {
  const value = text.trim().toLowerCase();
  if (value === 'none' || value === 'once') return null;
  const match = /^(\d{1,3})\s*(m|mo|months?|y|years?)$/.exec(value);
  if (!match) throw await custodianError('validation_failed', `--every takes 12m, 1y or none, not "${text}".`);
  const months = Number(match[1]) * (match[2]?.startsWith('y') ? 12 : 1);
  if (months < 1 || months > 120) throw await custodianError('validation_failed', '--every must be between 1 month and 10 years.');
  return months;
}

/** `30d`, `30`, `4w` -> days. */
export async function parseDays(flag: string, text: string): Promise<number> {
  const match = /^(\d{1,4})\s*(d|days?|w|weeks?)?$/.exec(text.trim().toLowerCase());
  if (!match) throw await custodianError('validation_failed', `${flag} takes days such as 30d or 4w, not "${text}".`);
  return Number(match[1]) * (match[2]?.startsWith('w') ? 7 : 1);
}

/** `role=Registered Nurse,unit=ICU;Emergency Department` -> appliesTo lists (several values joined by ;). */
export async function parseApplies(text: string): Promise<{ units: string[]; roles: string[]; sites: string[] }> {
  const applies = { units: [] as string[], roles: [] as string[], sites: [] as string[] };
  for (const part of text.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const list =
      key === 'unit' || key === 'units'
        ? applies.units
        : key === 'role' || key === 'roles'
          ? applies.roles
          : key === 'site' || key === 'sites'
            ? applies.sites
            : null;
    if (!list || !value) throw await custodianError('validation_failed', `--applies takes role=...,unit=...,site=... (values separated by ;), not "${part}".`);
    list.push(
      ...value
        .split(';')
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean),
    );
  }
  return applies;
}

async function printReport(report: ComplianceReport): Promise<void> {
  const { COMPLIANCE_STATUSES, STATUS_LABELS } = await import('../../shared/compliance/complianceStatus');
  const { whyNoScore } = await import('../../shared/compliance/whyNoScore');
  if (report.overall.score === null) {
    say(`Audit Readiness as of ${report.asOf}: no score (${String(report.people)} people). ${whyNoScore(report.people, report.frameworks.length, 'cli')}`);
  } else {
    say(`Audit Readiness as of ${report.asOf}: ${report.overall.score.toFixed(1)} / 100 (${String(report.people)} people)`);
  }
  for (const c of report.overall.components) {
    const share = c.value === null ? 'not measured (no points)' : `${(c.value * 100).toFixed(1).padStart(5)}%  +${c.contribution.toFixed(1)}`;
    say(`  ${c.label.padEnd(24)} weight ${String(c.weight).padStart(3)}  ${share}`);
  }
  if (report.overall.inGrace > 0) say(`  ${String(report.overall.inGrace)} training(s) within onboarding grace, not yet counted`);
  if (!report.integrity.ok) say(`  audit log: ${report.integrity.reason ?? 'does not verify'}`);
  for (const framework of report.frameworks) {
    say(`\n${framework.title} (${framework.id}): ${framework.readiness.score === null ? 'no score (nobody in scope)' : framework.readiness.score.toFixed(1)}`);
    for (const r of framework.requirements) {
      const counts = COMPLIANCE_STATUSES.filter((s) => r.counts[s]).map((s) => `${STATUS_LABELS[s].toLowerCase()} ${String(r.counts[s])}`);
      say(`  ${r.requirementId} [${r.clause ?? 'own'}]: ${counts.join(', ') || 'nobody'}`);
    }
  }
  const gaps = report.overall.gaps.slice(0, 5);
  if (gaps.length) {
    say('\nCostliest gaps:');
    for (const g of gaps) say(`  -${g.points.toFixed(1)} points: ${g.requirementId ?? 'audit log'} ${g.kind.replace(/_/g, ' ')} (${String(g.people)} people)`);
  }
}

export function registerComplianceCommands(program: Command): void {
  const framework = program.command('framework').description('framework packs (HIPAA, OSHA, SOC 2, GDPR, FedRAMP)');
  unlockOptions(framework.command('list').description('packs available and enabled').argument('<vault>'))
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: JsonFlag) => {
      const { listFrameworks } = await import('../../core/compliance/requirementStore');
      const { FRAMEWORK_PACKS } = await import('../../core/compliance/frameworkPacks');
      const enabled = await withVault(vault, flags, (session) => session.read((db) => listFrameworks(db, { disabledBy: true })));
      const rows = FRAMEWORK_PACKS.map((p) => ({
        id: p.id,
        title: p.title,
        version: p.version,
        requirements: p.requirements.length,
        enabled: enabled.some((f) => f.id === p.id && f.enabled),
        disabled: enabled.find((f) => f.id === p.id)?.disabled ?? null,
      }));
      if (flags.json) sayJson(rows);
      else
        for (const r of rows) {
          say(`${r.enabled ? '*' : ' '} ${r.id.padEnd(18)} ${r.version}  ${String(r.requirements).padStart(2)} requirements  ${r.title}`);
          if (r.disabled) say(`    disabled ${r.disabled.at.slice(0, 10)} by ${r.disabled.by}: ${r.disabled.reason ?? '(no reason recorded)'}`);
        }
    });
  unlockOptions(framework.command('enable').description('count a pack in the status and the score').argument('<vault>').argument('<id>'))
    .option('--effective <date>', 'the day its requirements are in force from (default: today; no one is due before it)')
    .option('--json', 'machine-readable output')
    .action(async (vault: string, id: string, flags: JsonFlag & { effective?: string }) => {
      const { enableFramework } = await import('../../core/compliance/requirementStore');
      const result = await withVault(vault, flags, (session) => enableFramework(session, id, flags.effective ? { effectiveFrom: flags.effective } : {}));
      if (flags.json) sayJson(result);
      else say(`${id} enabled: ${String(result.added)} requirement(s) added, ${String(result.updated)} updated.`);
    });
  unlockOptions(framework.command('disable').description('stop counting a pack (its requirements stay in the history)').argument('<vault>').argument('<id>'))
    .requiredOption('--reason <text>', 'why it is no longer counted (one line; kept in the log and shown while disabled)')
    .action(async (vault: string, id: string, flags: UnlockFlags & { reason: string }) => {
      const { disableFramework } = await import('../../core/compliance/requirementStore');
      await withVault(vault, flags, (session) => disableFramework(session, id, flags.reason));
      say(`${id} disabled.`);
    });

  const requirement = program.command('requirement').description("requirements: the packs' and your own");
  unlockOptions(
    requirement
      .command('add')
      .description('add your own requirement, or adapt an existing one (a new version, logged)')
      .argument('<vault>')
      .requiredOption('--id <id>', 'e.g. site.sharps-safety')
      .requiredOption('--title <title>', 'what it is called')
      .requiredOption('--course <codes>', 'course code(s) that satisfy it, comma-separated')
      .requiredOption('--every <period>', '12m, 1y or none'),
  )
    .option('--grace <days>', 'days after the due date before it counts as expired', '0d')
    .option('--new-hire <days>', 'days after hire (or moving into scope) for the first training', '30d')
    .option('--applies <scope>', 'role=...,unit=...,site=... (several values separated by ;)')
    .option('--min-score <n>', 'percent needed to count as passed')
    .option('--all', 'every listed course is needed, not any one')
    .option('--evidence', 'evidence must be linked to the completion')
    .option('--clause <text>', 'the clause it answers to')
    .option('--reason <text>', 'why (required when adapting a pack requirement)')
    .option('--retain <years>', 'years to keep the records after the training')
    .option('--effective <date>', 'the day it is in force from (default: today for a new one, else unchanged; no one is due before it)')
    .option('--json', 'print the requirement as JSON')
    .action(
      async (
        vault: string,
        flags: JsonFlag & {
          id: string;
          title: string;
          course: string;
          every: string;
          grace: string;
          newHire: string;
          applies?: string;
          minScore?: string;
          all?: boolean;
          evidence?: boolean;
          clause?: string;
          reason?: string;
          retain?: string;
          effective?: string;
        },
      ) => {
        const minScore = flags.minScore === undefined ? null : Number(flags.minScore);
        if (minScore !== null && !(minScore >= 0 && minScore <= 100))
          throw await custodianError('validation_failed', '--min-score is a percentage from 0 to 100.');
        const retain = flags.retain === undefined ? null : Number(flags.retain);
        if (retain !== null && !(Number.isInteger(retain) && retain >= 0 && retain <= 100))
          throw await custodianError('validation_failed', '--retain is whole years from 0 to 100.');
        const rule: RequirementRuleInput = {
          appliesTo: flags.applies ? await parseApplies(flags.applies) : { units: [], roles: [], sites: [] },
          newHireDays: await parseDays('--new-hire', flags.newHire),
          courses: {
            codes: flags.course
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean),
            match: flags.all ? 'all' : 'any',
            minScore,
          },
          recurrenceMonths: await parseEvery(flags.every),
          graceDays: await parseDays('--grace', flags.grace),
          retention: retain === null ? null : { years: retain, basis: 'training' },
          evidence: { required: flags.evidence ?? false },
          ...(flags.effective ? { effectiveFrom: flags.effective } : {}),
        };
        const { saveRequirement } = await import('../../core/compliance/requirementStore');
        const saved = await withVault(vault, flags, (session) =>
          saveRequirement(session, { id: flags.id, title: flags.title, clause: flags.clause ?? null, rule, reason: flags.reason ?? null }),
        );
        if (flags.json) sayJson(saved);
        else say(`${saved.requirementId} version ${String(saved.version)} saved (${saved.origin}).`);
      },
    );
  unlockOptions(
    requirement.command('withdraw').description('stop counting one requirement (logged; saving it again restores it)').argument('<vault>').argument('<id>'),
  )
    .requiredOption('--reason <text>', 'why it is no longer counted (one line; kept in the log and shown by requirement list)')
    .action(async (vault: string, id: string, flags: UnlockFlags & { reason: string }) => {
      const { withdrawRequirement } = await import('../../core/compliance/requirementStore');
      const saved = await withVault(vault, flags, (session) => withdrawRequirement(session, id, flags.reason));
      say(`${saved.requirementId} withdrawn (version ${String(saved.version)}).`);
    });
  unlockOptions(requirement.command('list').description('the requirements counted (enabled packs and your own)').argument('<vault>'))
    .option('--framework <id>', 'only this framework')
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: JsonFlag & { framework?: string }) => {
      const { currentRequirements } = await import('../../core/compliance/requirementStore');
      const { withdrawnRequirements } = await import('../../core/compliance/requirementStore');
      const [list, withdrawn] = await withVault(vault, flags, (session) =>
        session.read(
          (db) =>
            [currentRequirements(db, flags.framework), withdrawnRequirements(db).filter((w) => !flags.framework || w.frameworkId === flags.framework)] as const,
        ),
      );
      if (flags.json) {
        sayJson(list);
        return;
      }
      if (list.length === 0) say('No requirements yet: enable a framework (custodian framework enable VAULT hipaa) or add your own.');
      for (const r of list) {
        const every = r.rule.recurrenceMonths === null ? 'once' : `every ${String(r.rule.recurrenceMonths)} months`;
        say(
          `${r.requirementId} v${String(r.version)} (${r.origin}) ${r.clause ?? ''}\n  ${r.title}: ${r.rule.courses.codes.join(r.rule.courses.match === 'all' ? ' + ' : ' or ')}, ${every}, grace ${String(r.rule.graceDays)} days${r.rule.evidence.required ? ', evidence required' : ''}${r.rule.effectiveFrom ? `, in force from ${r.rule.effectiveFrom}` : ''}`,
        );
      }
      for (const w of withdrawn) say(`${w.requirementId} withdrawn ${w.at.slice(0, 10)} by ${w.by}: ${w.reason ?? '(no reason recorded)'}`);
    });

  registerRetentionCommand(program);

  unlockOptions(program.command('status').description('compliance status and the Audit Readiness Score on a date').argument('<vault>'))
    .option('--framework <id>', 'only this framework')
    .option('--as-of <date>', 'YYYY-MM-DD, or a timestamp with its zone (default: today)')
    .option('--people', 'one row per (person, requirement)')
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: JsonFlag & { framework?: string; asOf?: string; people?: boolean }) => {
      const { localToday, parseAsOf } = await import('../../core/compliance/calendarDate');
      const { complianceReport } = await import('../../core/compliance/complianceReport');
      const asOf = flags.asOf ? parseAsOf(flags.asOf) : localToday();
      const { personNames } = await import('../../core/records/personNames');
      const { MASK } = await import('../../core/records/masking');
      const { report, people } = await withVault(vault, flags, async (session) => {
        const result = await complianceReport(session, {
          asOf,
          ...(flags.framework ? { frameworkId: flags.framework } : {}),
          includePairs: flags.people ?? false,
        });
        return { report: result, people: await personNames(session, [...new Set((result.pairs ?? []).map((p) => p.personId))]) };
      });
      // People as a person reads them: employee id and name, or the pseudonym where they are masked.
      const label = (personId: string) => {
        const person = people.get(personId);
        if (!person) return personId;
        return person.name === MASK ? person.pseudonym : `${person.employeeId ?? person.pseudonym} ${person.name}`;
      };
      if (flags.json) {
        sayJson(
          report.pairs
            ? { ...report, pairs: report.pairs.map((p) => ({ ...p, person: label(p.personId), pseudonym: people.get(p.personId)?.pseudonym ?? null })) }
            : report,
        );
        return;
      }
      await printReport(report);
      if (report.pairs) {
        say('\nperson\trequirement\tstatus\tdue');
        for (const p of report.pairs) say(`${label(p.personId)}\t${p.requirementId}\t${p.status}${p.reason ? ` (${p.reason})` : ''}\t${p.dueOn ?? ''}`);
      }
    });
}

function registerRetentionCommand(program: Command): void {
  unlockOptions(program.command('retention').description('when each training record may be disposed of, from the strictest requirement').argument('<vault>'))
    .option('--as-of <date>', 'YYYY-MM-DD (default: today)')
    .option('--json', 'one row per record')
    .action(async (vault: string, flags: JsonFlag & { asOf?: string }) => {
      const { localToday, parseAsOf } = await import('../../core/compliance/calendarDate');
      const { retentionSchedule } = await import('../../core/compliance/retention');
      const asOf = flags.asOf ? parseAsOf(flags.asOf) : localToday();
      const { personNames } = await import('../../core/records/personNames');
      const { MASK } = await import('../../core/records/masking');
      const { rows, people } = await withVault(vault, flags, async (session) => {
        const schedule = await retentionSchedule(session, asOf);
        return { rows: schedule, people: await personNames(session, [...new Set(schedule.map((r) => r.personId))]) };
      });
      if (flags.json) {
        // Each record also names its person as people read them (employee id, or the pseudonym where masked).
        const named = rows.map((r) => {
          const person = people.get(r.personId);
          return { ...r, employeeId: person && person.name !== MASK ? person.employeeId : null, pseudonym: person?.pseudonym ?? null };
        });
        sayJson({ asOf, records: named });
        return;
      }
      const due = rows.filter((r) => r.disposeAfter !== null && r.disposeAfter <= asOf).length;
      const inEffect = rows.filter((r) => r.disposeAfter === null).length;
      const later = rows
        .filter((r) => r.disposeAfter !== null && r.disposeAfter > asOf)
        .map((r) => r.disposeAfter as string)
        .sort();
      say(`${String(rows.length)} training record(s) under a retention rule, as of ${asOf}:`);
      say(`  ${String(due)} may be disposed of now`);
      say(`  ${String(later.length)} must be kept until a later date${later[0] ? ` (the first on ${later[0]})` : ''}`);
      say(`  ${String(inEffect)} are still in effect (kept until they lapse, then for the retention period)`);
    });
}

/** `custodian evidence review`: registered beside the other evidence commands. */
export function registerEvidenceReviewCommand(evidence: Command): void {
  unlockOptions(
    evidence
      .command('review')
      .description('accept or reject an evidence file: an electronic signature by the unlocking user (logged)')
      .argument('<vault>')
      .argument('<id>'),
  )
    .option('--accept', 'the file shows what it should')
    .option('--reject', 'it does not (give --reason)')
    .option('--meaning <meaning>', 'what an acceptance signs: approved (default) or reviewed')
    .option('--reason <text>', 'why')
    .action(async (vault: string, id: string, flags: UnlockFlags & { accept?: boolean; reject?: boolean; meaning?: string; reason?: string }) => {
      if (Boolean(flags.accept) === Boolean(flags.reject)) throw await custodianError('validation_failed', 'Say --accept or --reject.');
      if (flags.meaning !== undefined && (flags.reject || !['approved', 'reviewed'].includes(flags.meaning))) {
        throw await custodianError('validation_failed', '--meaning is approved or reviewed, with --accept (a rejection means rejected).');
      }
      const state = flags.accept ? 'accepted' : 'rejected';
      const { reviewEvidence } = await import('../../core/compliance/reviewEvidence');
      // One command, one session: the passphrase that unlocked it was entered for this signature.
      const signed = await withVault(vault, flags, (session) =>
        reviewEvidence(session, id, state, flags.reason ?? null, flags.meaning ? { meaning: flags.meaning as 'approved' | 'reviewed' } : {}),
      );
      say(`${id} ${state}: signed by ${signed.printedName} at ${signed.signedAt}, meaning "${signed.meaning}".`);
    });
}
