import { APP_ORIGIN } from '../security/rendererAsset';

/** The parts of an Electron IPC event that sender validation reads. */
export interface SenderInfo {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface TrustPolicy {
  /** The webContents id of our one window. */
  windowContentsId: () => number | undefined;
  /** Origins allowed to call: `app://custodian`, plus the dev server in development. */
  allowedOrigins: readonly string[];
}

export const DEFAULT_ALLOWED_ORIGINS = [APP_ORIGIN] as const;

/**
 * True only for a call from the top frame of our own window, loaded from our own origin.
 * Checked before the payload is even parsed.
 */
export function isTrustedSender(event: SenderInfo, policy: TrustPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (event.sender.id !== policy.windowContentsId()) return false;
  let origin: string;
  try {
    origin = new URL(frame.url).origin;
  } catch {
    return false;
  }
  // `new URL('app://custodian/x').origin` is 'null' for non-special schemes in some runtimes.
  if (frame.url.startsWith(`${APP_ORIGIN}/`)) return policy.allowedOrigins.includes(APP_ORIGIN);
  return policy.allowedOrigins.includes(origin);
}
