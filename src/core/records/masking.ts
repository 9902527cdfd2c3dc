import type { DataClass } from '../../shared/records/dataClasses';
import { VISIBLE_CLASSES } from '../../shared/records/dataClasses';
import type { Role } from '../../shared/roles';

export const MASK = '•••••' as const;

/** Whether `role` may see fields of `dataClass` unmasked. Enforced here, in core. */
export function canSee(role: Role, dataClass: DataClass): boolean {
  return VISIBLE_CLASSES[role].includes(dataClass);
}

/** The value, or the mask when the role may not see its class (null stays null). */
export function masked<T extends string | number>(role: Role, dataClass: DataClass, value: T | null): T | typeof MASK | null {
  if (value === null) return null;
  return canSee(role, dataClass) ? value : MASK;
}
