import { CustodianError } from '../../shared/errors';
import type { Role } from '../../shared/roles';

/** What a principal may do. Checked in core before every operation, whatever the UI shows. */
export type Permission =
  | 'users.manage'
  | 'evidence.add'
  | 'evidence.read'
  /** Decrypt an original evidence file. Auditors have none: they get evidence as packets give it, redacted. */
  | 'evidence.decrypt'
  | 'evidence.delete'
  /** Make a redacted version of evidence (decrypts the original in core's memory). */
  | 'evidence.redact'
  | 'recovery.export'
  | 'recovery.replace'
  | 'backup.create'
  | 'log.verify'
  | 'records.import'
  | 'records.read'
  | 'requirements.manage'
  | 'evidence.review'
  /** Build (and sign) an audit packet; import an auditor's request list. */
  | 'packet.export';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [
    'users.manage',
    'evidence.add',
    'evidence.read',
    'evidence.decrypt',
    'evidence.delete',
    'evidence.redact',
    'recovery.export',
    'recovery.replace',
    'backup.create',
    'log.verify',
    'records.import',
    'records.read',
    'requirements.manage',
    'evidence.review',
    'packet.export',
  ],
  officer: [
    'evidence.add',
    'evidence.read',
    'evidence.decrypt',
    'evidence.delete',
    'evidence.redact',
    'backup.create',
    'log.verify',
    'records.import',
    'records.read',
    'requirements.manage',
    'evidence.review',
    'packet.export',
  ],
  reviewer: ['evidence.read', 'evidence.decrypt', 'log.verify', 'records.read', 'evidence.review'],
  auditor: ['evidence.read', 'log.verify', 'records.read'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** @throws CustodianError('permission_denied') naming the role and what it may not do. */
export function requirePermission(role: Role, permission: Permission, what: string): void {
  if (!can(role, permission)) {
    const article = /^[aeiou]/.test(role) ? 'An' : 'A';
    throw new CustodianError('permission_denied', `${article} ${role} may not ${what}. Ask an administrator.`);
  }
}
