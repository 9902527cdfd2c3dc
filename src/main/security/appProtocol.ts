import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp';
import { APP_HOST, APP_SCHEME, assetHeaders, resolveRendererAsset } from './rendererAsset';

/** Must run before `app` is ready: makes `app://` a standard, secure origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * Serves the built renderer from `rendererDir` at `app://custodian/` with the strict CSP as a
 * response header. Requests for any other host, or paths outside the folder, get 404.
 */
export function serveAppProtocol(rendererDir: string): void {
  const csp = contentSecurityPolicy("'none'");
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const asset = url.host === APP_HOST ? resolveRendererAsset(rendererDir, url.pathname) : null;
    if (!asset) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(asset.file);
      return new Response(body, { status: 200, headers: assetHeaders(asset.contentType, csp) });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
