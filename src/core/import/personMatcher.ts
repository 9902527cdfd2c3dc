import type { ReadableDb } from '../db/database';
import type { ReportEntry } from './validateRow';

/** How a file row names its person. */
export interface PersonReference {
  row: number;
  employeeId: string | null;
  email: string | null;
}

/**
 * Finds the vault's current people for rows of completions and certifications files: by
 * employee id, else by e-mail (case-insensitive). Loaded once per import.
 */
export class PersonMatcher {
  private readonly byEmployeeId = new Map<string, string>();
  private readonly byEmail = new Map<string, string>();

  static load(db: ReadableDb): PersonMatcher {
    const matcher = new PersonMatcher();
    const people = db.all<{ person_id: string; employee_id: string | null; email: string | null }>(
      'SELECT person_id, employee_id, email FROM people WHERE current = 1',
    );
    for (const p of people) {
      if (p.employee_id) matcher.byEmployeeId.set(p.employee_id, p.person_id);
      if (p.email) matcher.byEmail.set(p.email.toLowerCase(), p.person_id);
    }
    return matcher;
  }

  /** The person id, or the report entry that says no such person is in the vault. */
  match(reference: PersonReference): string | ReportEntry {
    const personId =
      (reference.employeeId ? this.byEmployeeId.get(reference.employeeId) : undefined) ?? (reference.email ? this.byEmail.get(reference.email) : undefined);
    return (
      personId ?? {
        row: reference.row,
        column: reference.employeeId ? 'employee id' : 'e-mail',
        value: reference.employeeId ?? reference.email,
        reason: 'no such person in the vault (import the roster first)',
      }
    );
  }
}
