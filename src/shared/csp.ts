/**
 * The renderer's Content-Security-Policy. In Electron `connect-src` is `'none'`: the renderer
 * talks to the main process over IPC only and may open no connection at all. The browser
 * harness alone widens it to `'self'` so its loopback bridge can be reached.
 *
 * `style-src 'unsafe-inline'` is needed because the component library injects its CSS variables
 * in a <style> element; scripts stay strictly `'self'`.
 */
export function contentSecurityPolicy(connectSrc: "'none'" | "'self'" = "'none'"): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connectSrc}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The same policy for a `<meta http-equiv>` element in index.html (defence in depth beside the
 * response header). `frame-ancestors` is dropped: browsers ignore it in a meta element.
 */
export function contentSecurityPolicyMeta(connectSrc: "'none'" | "'self'" = "'none'"): string {
  return contentSecurityPolicy(connectSrc)
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}
