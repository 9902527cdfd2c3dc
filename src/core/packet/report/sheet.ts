import type { Faces, FontKey } from './face';
import { INK, RULE, num } from './pageLayout';

// One page's drawing, kept as content-stream operators until the page order is known (the
// contents pages are laid out after the body and come before it in the file). Text given to a
// Sheet must already be cleaned (Cleaner); colours are the operators of pageLayout.

export class Sheet {
  readonly ops: string[] = [];
  private fill = '';
  private stroke = '';

  constructor(
    private readonly faces: Faces,
    /** The section the page belongs to, for the running header; empty on the cover. */
    readonly section: string,
  ) {}

  /** Draws cleaned text with its baseline at `y`. */
  text(x: number, y: number, text: string, font: FontKey, size: number, color = INK): void {
    if (text === '') return;
    const face = this.faces[font];
    this.setFill(color);
    this.ops.push(`BT /${face.resource} ${num(size)} Tf ${num(x)} ${num(y)} Td <${face.encode(text)}> Tj ET`);
  }

  textRight(right: number, y: number, text: string, font: FontKey, size: number, color = INK): void {
    this.text(right - this.faces[font].width(text, size), y, text, font, size, color);
  }

  box(x: number, y: number, width: number, height: number, color: string): void {
    this.setFill(color);
    this.ops.push(`${num(x)} ${num(y)} ${num(width)} ${num(height)} re f`);
  }

  line(x1: number, y1: number, x2: number, y2: number, color = RULE, width = 0.5): void {
    if (this.stroke !== `${color} ${num(width)}`) {
      this.stroke = `${color} ${num(width)}`;
      this.ops.push(`${color} ${num(width)} w`);
    }
    this.ops.push(`${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  private setFill(color: string): void {
    if (this.fill !== color) {
      this.fill = color;
      this.ops.push(color);
    }
  }
}
