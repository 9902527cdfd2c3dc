import type { FontKey } from './face';
import { Flow } from './flow';
import type { ContentsLink, OutlineNode } from './outline';
import { BODY_SIZE, BODY_TOP, CONTENT_WIDTH, LEFT, MUTED, RIGHT, baselineIn } from './pageLayout';
import type { ReportContext } from './reportContext';
import type { Sheet } from './sheet';

// The contents pages: laid out after the body (they list its headings) and placed after the
// cover. Page numbers are not known while they are laid out, so the caller fills them in with
// writePageNumbers once the page order is fixed; until then the lines end in dot leaders only.

/** A line of the contents: a section (level 0) or a subsection under it (level 1). */
export interface ContentsEntry {
  level: 0 | 1;
  node: OutlineNode;
}

export function contentsPages(
  context: ReportContext,
  entries: ContentsEntry[],
): {
  sheets: Sheet[];
  node: OutlineNode;
  links: ContentsLink[];
  writePageNumbers: (pageOf: (sheet: Sheet) => number) => void;
} {
  const { faces, cleaner, progress } = context;
  const flow = new Flow(faces, cleaner);
  const node = flow.section1('Contents');
  const numberWidth = 40;
  const slots: { sheet: Sheet; baseline: number; target: OutlineNode; font: FontKey }[] = [];
  const links: ContentsLink[] = [];
  for (const entry of entries) {
    const indent = entry.level === 0 ? 0 : 14;
    const font: FontKey = entry.level === 0 ? 'bold' : 'regular';
    const size = entry.level === 0 ? 10 : BODY_SIZE;
    const leading = entry.level === 0 ? 15 : 12;
    if (entry.level === 0 && flow.y < BODY_TOP - 40) flow.space(5);
    const hanging = 12;
    const lines = flow.wrap(entry.node.title, CONTENT_WIDTH - indent - hanging - numberWidth, font, size);
    lines.forEach((line, i) => {
      flow.ensure(leading);
      const baseline = baselineIn(flow.y, leading, size);
      const x = LEFT + indent + (i === 0 ? 0 : hanging);
      flow.sheet.text(x, baseline, line, font, size);
      if (i === lines.length - 1) {
        const start = x + faces[font].width(line, size) + 6;
        const dots = '.'.repeat(Math.max(0, Math.floor((RIGHT - numberWidth + 8 - start) / faces.regular.width('. ', size))));
        if (dots !== '') flow.sheet.text(start, baseline, dots.split('').join(' '), 'regular', size, MUTED);
        slots.push({ sheet: flow.sheet, baseline, target: entry.node, font });
      }
      links.push({ sheet: flow.sheet, rect: [LEFT + indent, flow.y - leading, RIGHT, flow.y], target: entry.node });
      flow.y -= leading;
    });
  }
  progress.step(1);
  return {
    sheets: flow.sheets,
    node,
    links,
    writePageNumbers: (pageOf) => {
      for (const slot of slots) slot.sheet.textRight(RIGHT, slot.baseline, String(pageOf(slot.target.sheet)), slot.font, slot.font === 'bold' ? 10 : BODY_SIZE);
    },
  };
}
