/**
 * The app's one window, with secure defaults: context isolation, sandbox, no Node in the page,
 * the CSP as a header, navigation and new windows denied (only the addresses the app links to open
 * in the browser: APP_LINKS),
 * permission requests denied, and a window that is shown once ready.
 */
import { BrowserWindow, session, shell, type Session } from 'electron';
import {
  RENDERER_CSP,
  allowedExternalUrl,
  developmentCsp,
  guardNavigation,
  type NavigationSource,
} from './content-security';

export interface MainWindowOptions {
  preloadPath: string;
  /** The dev server URL (electron-vite dev) or null for the packaged file. */
  devServerUrl: string | null;
  rendererFile: string;
  iconPath?: string;
}

/** Applies the session-wide rules once: CSP header, no permissions, no downloads. */
export function secureSession(target: Session, devServerUrl: string | null): void {
  const csp = devServerUrl ? developmentCsp(devServerUrl) : RENDERER_CSP;
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [csp],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
  target.on('will-download', (event) => event.preventDefault());
}

/** Opens an address in the system browser when it is one the app links to; else nothing. */
export async function openExternalSafely(url: string): Promise<boolean> {
  const allowed = allowedExternalUrl(url);
  if (allowed === null) return false;
  await shell.openExternal(allowed);
  return true;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Contact Importer for Crisp',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      session: session.defaultSession,
    },
  });
  win.once('ready-to-show', () => win.show());
  guardNavigation(win.webContents as unknown as NavigationSource, (url) => {
    void openExternalSafely(url);
  });
  if (options.devServerUrl) void win.loadURL(options.devServerUrl);
  else void win.loadFile(options.rendererFile);
  return win;
}
