/**
 * The importer service: one function per IPC channel, built on the engine. Plain Node (no
 * electron): the Electron main process, the handler tests and the end-to-end test backend all
 * create it the same way, with their own dialogs, desktop hooks and event sink.
 */
import type { AppState } from '../../shared/ipc-contract';
import { dailyBudgetFor, loadAppSettings } from '../engine/app-settings';
import type { KeychainOptions } from '../engine/credentials';
import type { ChannelHandlers } from '../ipc/ipc-dispatcher';
import { CheckDesk } from './check-desk';
import { ConnectionBook } from './connection-book';
import { DesktopPreferenceFile } from './desktop-preferences';
import { defaultEngineWorkerEntry, EngineThread, type EngineWorkerEntry } from './engine-thread';
import { FileRegistry, type RegisteredFile } from './file-registry';
import { inspectFile, previewMappedRows } from './file-reading';
import { JobDesk } from './job-desk';
import { mappingChannels } from './mapping-channels';
import { MappingProposals } from './mapping-proposals';
import { presetChannels } from './preset-channels';
import { PresetLibrary } from './preset-library';
import type { DesktopHooks, NativeDialogs, PublishEvent } from './service-ports';
import { quietDesktopHooks } from './service-ports';
import { settingsChannels } from './settings-channels';
import { UndoDesk } from './undo-desk';
import { WebsiteBudgets } from './website-budgets';

export interface ImporterServiceOptions {
  /** Where settings, presets and jobs live (the app's userData = the engine's defaultStateDir()). */
  stateDir: string;
  dialogs: NativeDialogs;
  /** Pushed events to the renderer (validated and throttled by the caller's EventPublisher). */
  publish: PublishEvent;
  desktop?: DesktopHooks;
  /** Keychain service name (tests use their own). */
  keychain?: KeychainOptions;
  appVersion?: string;
  platform?: NodeJS.Platform;
  /** Timeout of "test connection" requests. */
  connectionTestTimeoutMs?: number;
  /** API origin for newly added websites (CRISP_API_URL; a fake Crisp in tests). */
  crispApiUrl?: string;
  /** The engine worker's code (bundled in the app; the .ts source under tsx by default). */
  engineWorker?: EngineWorkerEntry;
}

export interface ImporterService {
  handlers: ChannelHandlers;
  /** Sandbox server, when started (tests look at what it received). */
  connections: ConnectionBook;
  jobs: JobDesk;
  /** Registers a file opened from the desktop (menu, dock, second launch) and tells the page. */
  openFile(path: string): Promise<void>;
  /** The native open dialog from the menu; the chosen file is told to the page. */
  chooseAndOpenFile(): Promise<void>;
  /** Stops running work cleanly (jobs paused where they are), closes servers. */
  close(): Promise<void>;
}

function platformOf(platform: NodeJS.Platform): AppState['platform'] {
  return platform === 'darwin' || platform === 'win32' || platform === 'linux' ? platform : 'other';
}

export function createImporterService(options: ImporterServiceOptions): ImporterService {
  const { stateDir, dialogs, publish } = options;
  const desktop = options.desktop ?? quietDesktopHooks();
  const keychain = options.keychain ?? {};
  const preferences = new DesktopPreferenceFile(stateDir);
  const files = new FileRegistry();
  const connections = new ConnectionBook({
    stateDir,
    preferences,
    keychain,
    ...(options.connectionTestTimeoutMs !== undefined
      ? { testTimeoutMs: options.connectionTestTimeoutMs }
      : {}),
    ...(options.crispApiUrl !== undefined ? { defaultApiUrl: options.crispApiUrl } : {}),
  });
  const engine = new EngineThread(options.engineWorker ?? defaultEngineWorkerEntry());
  const presets = new PresetLibrary(stateDir);
  const checks = new CheckDesk(stateDir, engine, publish);
  const proposals = new MappingProposals(engine);

  /** The encoding a full-file check found for this file, as detection options (see CheckDesk). */
  const encodingFound = (file: RegisteredFile) =>
    checks.encodingFound(file.ref.fileId, file.ref.sizeBytes);
  const budgets = new WebsiteBudgets(stateDir, connections);

  const jobs = new JobDesk({
    stateDir,
    engine,
    publish,
    desktop,
    notificationsEnabled: async () => (await preferences.read()).notifications,
    async runSettings(websiteId) {
      const connection = await connections.resolve(websiteId);
      const { settings } = await loadAppSettings(stateDir);
      const budget = dailyBudgetFor(settings, websiteId, connection.tier);
      return {
        stateDir,
        connection: { ...connection },
        emptyCells: settings.emptyCells,
        dailyBudget: budget.dailyBudget,
        reserve: budget.reserve,
        ...(keychain.service !== undefined ? { keychainService: keychain.service } : {}),
      };
    },
  });

  const undos = new UndoDesk({
    stateDir,
    publish,
    connectionFor: (websiteId) => connections.resolve(websiteId),
  });

  const settings = settingsChannels({ stateDir, preferences, connections, desktop, publish });

  async function publishConnections(): Promise<void> {
    publish('connections:changed', await connections.list());
  }

  const csvFilters = [
    { name: 'CSV files and Excel workbooks', extensions: ['csv', 'txt', 'tsv', 'xlsx', 'xlsm'] },
    { name: 'All files', extensions: ['*'] },
  ];

  const handlers: ChannelHandlers = {
    async 'app:state'() {
      const { settings: settingsView, darkMode } = await settings.themedView();
      return {
        appVersion: options.appVersion ?? '0.0.0',
        platform: platformOf(options.platform ?? process.platform),
        darkMode,
        settings: settingsView,
        connections: await connections.list(),
        jobs: await jobs.list(),
        resumableJobIds: await jobs.resumableIds(),
        activeJobId: jobs.activeJobId(),
        files: files.list(),
        checks: checks.list(),
        presets: await presets.list(),
      };
    },

    'connections:list': () => connections.list(),
    async 'connections:save'(input) {
      const saved = await connections.save(input);
      await publishConnections();
      return saved;
    },
    'connections:test': (input) => connections.test(input),
    async 'connections:remove'({ connectionId }) {
      const list = await connections.remove(connectionId);
      publish('connections:changed', list);
      return list;
    },
    async 'connections:useSandbox'() {
      const sandbox = await connections.useSandbox();
      await publishConnections();
      return sandbox;
    },

    async 'file:choose'() {
      const path = await dialogs.chooseFileToOpen({
        title: 'Choose the contacts file',
        filters: csvFilters,
      });
      return { file: path === null ? null : await files.register(path) };
    },
    'file:dropped': (drop) => files.registerDropped(drop),
    async 'file:inspect'({ fileId, overrides, limit }) {
      const file = files.get(fileId);
      return inspectFile(file.ref, file.path, overrides, limit, encodingFound(file));
    },

    ...mappingChannels({
      stateDir,
      files,
      proposals,
      presets,
      detectOptionsOf: encodingFound,
    }),
    async 'preview:rows'({ fileId, overrides, mapping, limit }) {
      const file = files.get(fileId);
      return previewMappedRows(file.path, overrides, mapping, limit, encodingFound(file));
    },

    async 'check:start'({ fileId, overrides, mapping, connectionId }) {
      const file = files.get(fileId);
      return checks.start({
        fileId,
        path: file.path,
        totalBytes: file.ref.sizeBytes,
        overrides,
        mapping,
        requestsPerDay: await budgets.usable(connectionId),
        quota: await budgets.quotaToday(connectionId),
        ledger: await budgets.ledgerOf(connectionId),
      });
    },
    'check:cancel': async ({ checkId }) => checks.cancel(checkId),
    'check:get': async ({ checkId }) => checks.get(checkId),
    async 'check:exportIssues'({ checkId }) {
      checks.get(checkId);
      const to = await dialogs.chooseSaveLocation({
        title: 'Save the issues',
        defaultName: 'issues.csv',
        filters: [{ name: 'CSV files', extensions: ['csv'] }],
      });
      if (to === null) return { savedTo: null };
      await checks.exportIssues(checkId, to);
      return { savedTo: to };
    },

    ...presetChannels(presets, dialogs, publish),

    async 'import:start'({ fileId, overrides, mapping, connectionId, sendAll, undoable }) {
      const file = files.get(fileId);
      const connection = await connections.resolve(connectionId);
      return jobs.start({
        path: file.path,
        detectOptions: encodingFound(file),
        overrides,
        mapping,
        websiteId: connection.websiteId,
        apiUrl: connection.apiUrl,
        sendAll: sendAll === true,
        undoable: undoable === true,
      });
    },
    'import:pause': ({ jobId }) => jobs.pause(jobId),
    'import:resume': ({ jobId }) => jobs.resume(jobId),
    'import:cancel': ({ jobId }) => jobs.cancel(jobId),
    'import:retryFailed': ({ jobId }) => jobs.retryFailed(jobId),
    'jobs:list': async () => ({ jobs: await jobs.list() }),
    'jobs:get': ({ jobId }) => jobs.detail(jobId),
    'undo:preview': ({ jobId }) => undos.preview(jobId),
    'undo:start': ({ jobId, overwriteChanged }) => undos.start(jobId, overwriteChanged === true),
    'undo:get': ({ jobId }) => undos.get(jobId),
    async 'report:openFailedRows'({ jobId }) {
      return { opened: await desktop.openPath(await jobs.failedRowsPath(jobId)) };
    },
    async 'report:saveFailedRows'({ jobId }) {
      await jobs.failedRowsPath(jobId);
      const to = await dialogs.chooseSaveLocation({
        title: 'Save the failed rows',
        defaultName: `failed-rows-${jobId}.csv`,
        filters: [{ name: 'CSV files', extensions: ['csv'] }],
      });
      if (to === null) return { savedTo: null };
      await jobs.copyFailedRows(jobId, to);
      return { savedTo: to };
    },

    ...settings.handlers,
  };

  async function openFile(path: string): Promise<void> {
    try {
      publish('file:opened', await files.register(path));
    } catch {
      // A path from the desktop that cannot be read: nothing to show.
    }
  }

  return {
    handlers,
    connections,
    jobs,
    openFile,
    async chooseAndOpenFile() {
      const path = await dialogs.chooseFileToOpen({
        title: 'Choose the contacts file',
        filters: csvFilters,
      });
      if (path !== null) await openFile(path);
    },
    async close() {
      undos.stopAll();
      await jobs.pauseAll();
      await engine.close();
      await connections.close();
    },
  };
}
