import { BrowserWindow } from 'electron';

export interface MainWindowOptions {
  preloadPath: string;
  /** `app://custodian/index.html`, or the dev server URL in development. */
  url: string;
  allowDevTools: boolean;
}

/**
 * The app's one window, with every Electron safety switch on. Changing any of these
 * webPreferences needs a security review: electronegativity runs over this file in the tests.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Custodian',
    backgroundColor: '#f8f9fa',
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.allowDevTools,
      safeDialogs: true,
      // Middle-click would otherwise open links in a new window before our handler sees them.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(options.url);
  return window;
}
