/**
 * The main process's log. Callers pass short facts (a channel name, a blocked origin), never
 * request bodies, key material, passphrases or record contents.
 */
export const log = {
  info: (message: string): void => {
    console.info(`[custodian] ${message}`);
  },
  warn: (message: string): void => {
    console.warn(`[custodian] ${message}`);
  },
  error: (message: string, error?: unknown): void => {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : '';
    console.error(`[custodian] ${message}${reason ? ` (${reason})` : ''}`);
  },
};
