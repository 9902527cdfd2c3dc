import type { DataClass } from '../../shared/records/dataClasses';
import { VISIBLE_CLASSES } from '../../shared/records/dataClasses';
import type { Role } from '../../shared/roles';

export const MASK = '•••••' as const;

/** Whether `role` may see fields of `dataClass` unmasked. Enforced here, in core. */
export function canSee(role: Role, dataClass: DataClass): boolean {
  return VISIBLE_CLASSES[role].includes(dataClass);
}

// Values are masked, pseudonymised or generalised by one projection, driven by the data classes:
// projectField.ts (and the policies of shared/records/maskingPolicy.ts).
