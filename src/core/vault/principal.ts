import type { Role } from '../../shared/roles';

/** Who is acting in an unlocked vault. */
export interface Principal {
  userId: string;
  name: string;
  kind: 'person' | 'recovery';
  role: Role;
  slotId: string;
}
