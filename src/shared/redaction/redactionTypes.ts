/**
 * Redaction boxes and suggestions, as they cross the IPC boundary and appear in `--json`.
 *
 * Coordinates: for a PDF, PDF points from the bottom-left corner of the page as displayed (its
 * /Rotate and crop box applied); for an image, pixels from the top-left corner of the image as
 * displayed (its EXIF orientation applied). `page` is 1-based; an image has one page.
 */
export interface RedactionBox {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The reason codes offered by default; an officer may type their own (letters, digits, `-`). */
export const REASON_CODES = ['HIPAA-PHI', 'GDPR-minimisation', 'third-party-PII'] as const;
export const REASON_CODE_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

/** What a suggestion matched: the pattern, a person of the vault, a term asked for. */
export type SuggestionKind = 'ssn' | 'email' | 'phone' | 'dob' | 'mrn' | 'address' | 'person' | 'term';

export interface RedactionSuggestion {
  kind: SuggestionKind;
  /** The matched text, as read from the page. Shown to the officer only; never logged. */
  text: string;
  /** Why it is suggested, in words ("US SSN pattern", "name of a person in this vault"). */
  why: string;
  /** Where the text was read from: the PDF's own text layer, or OCR of the rendered page. */
  source: 'text' | 'ocr';
  /** One box per line the match spans. */
  boxes: RedactionBox[];
}

/** The words found on a page, with their boxes (for `--term`, suggestions and kept text). */
export interface PageWord {
  text: string;
  box: RedactionBox;
  source: 'text' | 'ocr';
}
