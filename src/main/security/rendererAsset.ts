import { extname, resolve, sep } from 'node:path';

/** The renderer's origin inside Electron. Only this origin may call IPC. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'custodian';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mjs.map': 'application/json',
};

export interface RendererAsset {
  file: string;
  contentType: string;
}

/**
 * Maps a request path (`/assets/index.js`) to a file inside the built renderer folder.
 *
 * @returns the file and its content type, or `null` when the path escapes `rendererDir`
 *   (`..`, encoded separators, absolute paths), is malformed, or has a type we do not serve.
 *   The caller answers `null` with 404 and never touches the disk for it.
 */
export function resolveRendererAsset(rendererDir: string, requestPath: string): RendererAsset | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = resolve(rendererDir);
  const file = resolve(root, relative);
  if (!file.startsWith(root + sep)) return null;
  const contentType = MIME_TYPES[extname(file).toLowerCase()];
  if (!contentType) return null;
  return { file, contentType };
}

/** Headers sent with every renderer asset, in Electron and in the harness. */
export function assetHeaders(contentType: string, csp: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}
