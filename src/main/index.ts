// Electron main process: app lifecycle, the secure window, IPC binding, desktop manners. The
// import engine (./engine) and the importer service (./importer-service) never import electron.
import { app, BrowserWindow, ipcMain, nativeTheme, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveStateDir } from './engine/app-settings';
import { limitHeapGrowth } from './engine/heap-growth';
import { installAppMenu } from './desktop/app-menu';
import { REST_API_GUIDE_URL } from './desktop/content-security';
import { electronDesktopHooks } from './desktop/desktop-manners';
import { createMainWindow, openExternalSafely, secureSession } from './desktop/main-window';
import { electronDialogs } from './desktop/native-dialogs';
import { bindIpcMain, windowEventSink } from './ipc/electron-ipc';
import { createEventPublisher } from './ipc/event-publisher';
import { createIpcDispatcher } from './ipc/ipc-dispatcher';
import { trustPages } from './ipc/trusted-sender';
import { createImporterService, type ImporterService } from './importer-service/importer-service';
import engineWorkerPath from './importer-service/engine-worker?modulePath';

// The engine's scans and imports (in a worker thread of this process) collect sooner.
limitHeapGrowth();

// One state folder for the app and the CLI: jobs started in one can be resumed in the other.
const stateDir = resolveStateDir();
app.setPath('userData', stateDir);
app.enableSandbox();

const devServerUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const rendererFile = join(__dirname, '../renderer/index.html');
const preloadPath = join(__dirname, '../preload/index.cjs');
// Packaged: electron-builder copies build/icon.png to the resources folder (extraResources).
const iconPath = app.isPackaged
  ? join(process.resourcesPath, 'icon.png')
  : join(__dirname, '../../build/icon.png');

let mainWindow: BrowserWindow | null = null;
let service: ImporterService | null = null;
const getWindow = (): BrowserWindow | null =>
  mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;

/** A CSV path given on the command line (second launch, "Open with..."). */
function csvPathFromArgs(argv: readonly string[]): string | null {
  const candidate = argv
    .slice(1)
    .find((arg) => !arg.startsWith('-') && /\.(csv|tsv|txt)$/i.test(arg));
  return candidate ?? null;
}
const pendingFiles: string[] = [];
function openFromDesktop(path: string): void {
  if (service) void service.openFile(path);
  else pendingFiles.push(path);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    const win = getWindow();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const path = csvPathFromArgs(argv);
    if (path) openFromDesktop(path);
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFromDesktop(path);
  });

  void app.whenReady().then(() => {
    secureSession(session.defaultSession, devServerUrl);
    const desktop = electronDesktopHooks(getWindow, iconPath);
    const publisher = createEventPublisher(windowEventSink(getWindow), {
      onInvalid: (event, error) => console.error(`event ${event} not sent:`, error),
    });
    service = createImporterService({
      stateDir,
      dialogs: electronDialogs(getWindow),
      publish: (event, payload) => publisher.publish(event, payload),
      desktop,
      appVersion: app.getVersion(),
      // Like the CLI: CRISP_API_URL points new connections at another Crisp API (a test server).
      ...(process.env.CRISP_API_URL ? { crispApiUrl: process.env.CRISP_API_URL } : {}),
      engineWorker: { url: pathToFileURL(engineWorkerPath), typescript: false },
    });
    const dispatcher = createIpcDispatcher({
      handlers: service.handlers,
      isTrustedSender: trustPages(
        devServerUrl ? { origins: [devServerUrl] } : { files: [pathToFileURL(rendererFile).href] },
      ),
      onUnexpectedError: (channel, error) => console.error(`IPC ${channel} failed:`, error),
    });
    bindIpcMain(ipcMain, dispatcher);
    nativeTheme.on('updated', () =>
      publisher.publish('theme:changed', { darkMode: nativeTheme.shouldUseDarkColors }),
    );
    installAppMenu({
      command: (command) => publisher.publish('menu:commanded', { command }),
      openFile: () => void service?.chooseAndOpenFile(),
      openHelp: () => void openExternalSafely(REST_API_GUIDE_URL),
    });

    mainWindow = createMainWindow({ preloadPath, devServerUrl, rendererFile, iconPath });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    const fromArgs = csvPathFromArgs(process.argv);
    if (fromArgs) pendingFiles.push(fromArgs);
    mainWindow.webContents.once('did-finish-load', () => {
      for (const path of pendingFiles.splice(0)) void service?.openFile(path);
    });
    // Unfinished imports are offered for resume by the renderer (app:state.resumableJobIds).

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) {
        mainWindow = createMainWindow({ preloadPath, devServerUrl, rendererFile, iconPath });
      }
    });
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !service) return;
    // Pause running imports cleanly (their journal is durable anyway), then quit.
    event.preventDefault();
    closing = true;
    void service.close().finally(() => app.quit());
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
