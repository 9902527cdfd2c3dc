import { recordId } from '../records/recordId';
import type { ImportContext } from './importContext';

/** Org units and job roles: named once, created on first use, case-insensitive. */
export class LookupTable {
  private readonly ids = new Map<string, string>();

  constructor(private readonly table: 'org_units' | 'job_roles') {}

  load(context: ImportContext): void {
    for (const row of context.db.all<{ id: string; name: string }>(`SELECT id, name FROM ${this.table}`)) this.ids.set(row.name.toLowerCase(), row.id);
  }

  idFor(context: ImportContext, name: string | null): string | null {
    if (!name) return null;
    const known = this.ids.get(name.toLowerCase());
    if (known) return known;
    const id = recordId();
    context.db.run(`INSERT INTO ${this.table} (id, name, created_at) VALUES (?, ?, ?)`, [id, name, context.now]);
    context.log([{ action: this.table === 'org_units' ? 'orgunit.create' : 'jobrole.create', target: id }]);
    this.ids.set(name.toLowerCase(), id);
    return id;
  }
}
