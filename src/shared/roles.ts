/** The roles of DESIGN.md. Permissions are enforced in core (src/core/vault/permissions.ts). */
export const ROLES = ['admin', 'officer', 'reviewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
