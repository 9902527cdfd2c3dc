import { Readable } from 'node:stream';
import { stateHash } from '../audit/auditLog';
import { addEvidence } from '../evidence/evidenceStore';
import { insertRecordRows } from '../records/insertRows';
import type { VaultSession } from '../vault/vaultSession';
import { DEMO_COURSES } from './demoCourses';
import { mixSeed, SeededRandom } from './seededRandom';

/** E-learning courses whose LMS issues certificates: their monthly completion reports are filed as evidence. */
const REPORTED = DEMO_COURSES.filter((c) => c.delivery === 'e-learning' && c.certificate).map((c) => c.code);

interface Row {
  completion_id: string;
  completed_on: string;
  score: number | null;
  code: string;
  title: string;
  employee_id: string | null;
  name: string;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Files the LMS's monthly completion report (CSV, as LMSs export it) for each e-learning course
 * over the last 13 months, each linked to the completions it lists: the evidence most real
 * requirements are met with. About one month in twelve was never filed (a realistic gap).
 * One log entry per report for its links (a digest of the completion ids), not one per link.
 */
export async function fileLmsReports(session: VaultSession, seed: number, today: string): Promise<{ reports: number; links: number }> {
  const rows = await session.read((db) =>
    db.all<Row>(
      `SELECT c.completion_id, c.completed_on, c.score, co.code, co.title, p.employee_id, p.family_name || ', ' || p.given_name AS name
       FROM completions c JOIN courses co ON co.course_id = c.course_id AND co.current = 1 JOIN people p ON p.person_id = c.person_id AND p.current = 1
       WHERE c.current = 1 AND co.code IN (SELECT value FROM json_each(?)) AND c.completed_on >= date(?, 'start of month', '-12 months') AND c.completed_on <= ?
       ORDER BY co.code, c.completed_on, p.employee_id`,
      [JSON.stringify(REPORTED), today, today],
    ),
  );
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.code} ${row.completed_on.slice(0, 7)}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const random = new SeededRandom(mixSeed(seed, 11));
  let reports = 0;
  let links = 0;
  for (const [key, group] of groups) {
    if (random.next() < 1 / 12) continue;
    const [code, month] = key.split(' ') as [string, string];
    const first = group[0] as Row;
    const lines = [`# LMS completion report: ${first.title} (${code}), ${month}`, 'Employee ID,Learner,Course,Completed,Score,Status'];
    for (const r of group)
      lines.push([r.employee_id ?? '', r.name, code, r.completed_on, r.score === null ? '' : String(r.score), 'Completed'].map(csvField).join(','));
    const meta = await addEvidence(session, {
      source: Readable.from([Buffer.from(`${lines.join('\r\n')}\r\n`)]),
      fileName: `LMS completions ${code} ${month}.csv`,
      mediaType: 'text/csv',
      personId: null,
      // The report speaks for its month, as of the last completion it lists.
      documentDate: group.reduce((latest, r) => (r.completed_on > latest ? r.completed_on : latest), first.completed_on),
    });
    await session.mutate((db) => {
      const linkedAt = new Date().toISOString();
      insertRecordRows(
        db,
        'evidence_links',
        ['evidence_id', 'target_kind', 'target_id', 'linked_at'],
        group.map((r) => ({ evidence_id: meta.id, target_kind: 'completion', target_id: r.completion_id, linked_at: linkedAt })),
      );
      return {
        result: undefined,
        events: [
          {
            action: 'evidence.link',
            target: meta.id,
            after: stateHash(group.map((r) => r.completion_id)),
            reason: `demo data: ${String(group.length)} completions`,
          },
        ],
      };
    });
    reports++;
    links += group.length;
  }
  return { reports, links };
}
