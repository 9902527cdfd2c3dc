import type { RedactionBox } from '../../shared/redaction/redactionTypes';
import type { PageText } from './pageText';

/**
 * The text a page's boxes cover: each run of non-space characters whose centres lie inside a
 * box. These are the strings the output check must not find (a half-covered word yields the
 * covered half).
 */
export function coveredTerms(text: PageText, boxes: readonly RedactionBox[]): string[] {
  const terms: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run) terms.push(run);
    run = '';
  };
  for (let i = 0; i < text.text.length; i++) {
    const box = text.boxes[i];
    const char = text.text.charAt(i);
    if (!box || /\s/.test(char)) {
      flush();
      continue;
    }
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const covered = boxes.some((b) => b.page === box.page && b.x <= cx && cx <= b.x + b.width && b.y <= cy && cy <= b.y + b.height);
    if (covered) run += char;
    else flush();
  }
  flush();
  return terms;
}
