import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, ipcMain, powerMonitor, session } from 'electron';
import { startCoreHost } from '../core/host/coreHost';
import { DEFAULT_ALLOWED_ORIGINS } from './ipc/isTrustedSender';
import { registerIpc } from './ipc/registerIpc';
import { log } from './log';
import { electronDialogs } from './platform/electronDialogs';
import { registerAppScheme, serveAppProtocol } from './security/appProtocol';
import { hardenApp } from './security/hardenApp';
import { APP_ORIGIN } from './security/rendererAsset';
import { createMainWindow } from './window/createMainWindow';

// Composition root of the Electron main process. Everything security-relevant is decided here
// or in ./security; core receives only plain options.

const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
// Core's worker, built beside this file (electron.vite.config.ts).
const coreWorkerFile = new URL('./coreWorker.js', import.meta.url);
// The database driver is a native addon built for Node's ABI by npm; Electron needs its own
// build, made by `npm start` (scripts/electron-native.mjs). Packaged apps get theirs from
// electron-builder's rebuild and need none.
const electronNative = fileURLToPath(new URL('../native/electron/better_sqlite3.node', import.meta.url));
// electron-vite sets this in `npm run dev` only; a packaged app never has a dev server.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const devServerOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
}

let mainWindow: BrowserWindow | undefined;

function openWindow(): void {
  mainWindow = createMainWindow({
    preloadPath,
    url: devServerUrl ?? `${APP_ORIGIN}/index.html`,
    allowDevTools: !app.isPackaged,
  });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
}

app.on('second-instance', () => {
  if (mainWindow?.isMinimized()) mainWindow.restore();
  mainWindow?.focus();
});

app.on('window-all-closed', () => {
  app.quit();
});

app
  .whenReady()
  .then(() => {
    hardenApp(session.defaultSession, devServerOrigin ? { devServerOrigin } : {});
    serveAppProtocol(rendererDir);
    // Core (SQLite, crypto, files) runs in a worker thread: this loop only checks, parses and
    // forwards, so the window never waits for it.
    const core = startCoreHost({
      workerFile: coreWorkerFile,
      dataDir: app.getPath('userData'),
      ...(existsSync(electronNative) ? { nativeBinding: electronNative } : {}),
      dialogs: electronDialogs(() => mainWindow),
      onWorkerExit: (code) => {
        log.error(`core stopped (exit code ${String(code)}); the vault is locked`);
      },
    });
    // Lock when the OS locks or sleeps: the key must not outlive the officer's presence.
    const lockNow = (why: string) => () => {
      log.info(`locking the vault (${why})`);
      void core.lock();
    };
    powerMonitor.on('lock-screen', lockNow('screen locked'));
    powerMonitor.on('suspend', lockNow('system suspending'));
    app.on('before-quit', () => {
      void core.close();
    });
    registerIpc(ipcMain, core.handlers, {
      windowContentsId: () => mainWindow?.webContents.id,
      allowedOrigins: devServerOrigin ? [...DEFAULT_ALLOWED_ORIGINS, devServerOrigin] : DEFAULT_ALLOWED_ORIGINS,
    });
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  })
  .catch((error: unknown) => {
    log.error('failed to start', error);
    app.exit(1);
  });
