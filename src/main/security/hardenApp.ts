import type { Session } from 'electron';
import { app } from 'electron';
import { log } from '../log';
import { APP_ORIGIN } from './rendererAsset';

export interface HardenOptions {
  /** The electron-vite dev server origin, allowed only in development. */
  devServerOrigin?: string;
}

function isOwnUrl(url: string, options: HardenOptions): boolean {
  try {
    const { origin, protocol } = new URL(url);
    if (url.startsWith(`${APP_ORIGIN}/`)) return true;
    if (protocol === 'devtools:') return true;
    return options.devServerOrigin !== undefined && origin === options.devServerOrigin;
  } catch {
    return false;
  }
}

/** Logs the origin only: a URL's path or query may carry data. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '<malformed>';
  }
}

/**
 * Offline and least privilege for the whole app: no request leaves for a non-app origin, no
 * permission is ever granted, no navigation, no new window, no <webview>.
 */
export function hardenApp(session: Session, options: HardenOptions = {}): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => {
    callback({});
  });

  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isOwnUrl(details.url, options);
    if (!allowed) log.warn(`blocked network request to ${originOf(details.url)}`);
    callback({ cancel: !allowed });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      log.warn(`blocked navigation to ${originOf(url)}`);
      event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnUrl(url, options)) {
        log.warn(`blocked redirect to ${originOf(url)}`);
        event.preventDefault();
      }
    });
    contents.on('will-attach-webview', (event) => {
      log.warn('refused a <webview>');
      event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      log.warn(`denied new window for ${originOf(url)}`);
      return { action: 'deny' };
    });
  });
}
