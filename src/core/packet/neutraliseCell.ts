/**
 * Formula injection (OWASP "CSV Injection"): a spreadsheet treats a text cell that begins with
 * `=`, `+`, `-`, `@`, a tab or a carriage return as a formula or a command. Such text gets a
 * leading apostrophe, which spreadsheet programs show as text and do not evaluate. Numbers and
 * dates are written as typed cells and never pass through here.
 */
const DANGEROUS_START = /^[=+\-@\t\r]/;

export function neutraliseCell(text: string): string {
  return DANGEROUS_START.test(text) ? `'${text}` : text;
}
