import { checkpointSection } from './checkpointSection';
import type { ContentsEntry } from './contentsPages';
import { custodySection } from './custodySection';
import { evidenceSection } from './evidenceSection';
import { Flow } from './flow';
import type { OutlineNode } from './outline';
import { readinessSection } from './readinessSection';
import type { ReportContext } from './reportContext';
import { requestsSection } from './requestsSection';
import { requirementsSection } from './requirementsSection';
import type { Sheet } from './sheet';

// The report's body, every section after the cover and contents, in the order the auditor reads
// them: readiness, requirements, evidence, requests, chain of custody, checkpoint. Returns its
// pages, the contents lines (each section and its subsections) and the bookmark tree.

export async function reportBody(context: ReportContext): Promise<{ sheets: Sheet[]; entries: ContentsEntry[]; outline: OutlineNode[] }> {
  const { faces, cleaner, progress } = context;
  const flow = new Flow(faces, cleaner);
  const readiness = readinessSection(context, flow);
  progress.step(1);
  await progress.yield();
  const requirements = await requirementsSection(context, flow);
  const evidence = evidenceSection(context, flow);
  await progress.yield();
  const requests = requestsSection(context, flow);
  const custody = custodySection(context, flow);
  const checkpoint = checkpointSection(context, flow);
  progress.step(1);
  const outline = [readiness, requirements, evidence, requests, custody, checkpoint];
  const entries: ContentsEntry[] = [];
  for (const node of outline) {
    entries.push({ level: 0, node });
    for (const child of node.children) entries.push({ level: 1, node: child });
  }
  return { sheets: flow.sheets, entries, outline };
}
