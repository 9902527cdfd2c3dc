/**
 * The allowed_signers principal for a user name: letters, digits and `._@-` kept, anything else
 * (spaces, commas, quotes) as `_`. ssh-keygen splits an allowed_signers line at spaces and a
 * principal list at commas, so a raw "Ada Lovelace" would be a principal "Ada" and a bad option.
 * `log fingerprint`, packets' allowed_signers files and `packet verify` all use this one mapping.
 */
export function sshPrincipal(user: string): string {
  return user.replace(/[^\p{L}\p{N}._@-]+/gu, '_');
}
