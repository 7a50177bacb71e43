/**
 * The importer service: one function per IPC channel, built on the engine. Plain Node (no
 * electron): the Electron main process, the handler tests and the end-to-end test backend all
 * create it the same way, with their own dialogs, desktop hooks and event sink.
 */
import type { AppSettings as AppSettingsView, AppState } from '../../shared/ipc-contract';
import { validateMapping } from '../../shared/contact-rules';
import {
  dailyBudgetFor,
  loadAppSettings,
  updateAppSettings,
  withDailyBudget,
} from '../engine/app-settings';
import type { QuotaToday } from '../engine/contact-scan';
import type { CheckLedger } from './engine-protocol';
import { savedQuotaView } from '../engine/import-jobs';
import type { KeychainOptions } from '../engine/credentials';
import type { ChannelHandlers } from '../ipc/ipc-dispatcher';
import { IpcFailure } from '../ipc/ipc-failure';
import { CheckDesk } from './check-desk';
import { ConnectionBook } from './connection-book';
import { DesktopPreferenceFile } from './desktop-preferences';
import { defaultEngineWorkerEntry, EngineThread, type EngineWorkerEntry } from './engine-thread';
import { FileRegistry, type RegisteredFile } from './file-registry';
import { inspectFile, previewMappedRows } from './file-reading';
import { MappingProposals } from './mapping-proposals';
import { UndoDesk } from './undo-desk';
import { JobDesk } from './job-desk';
import { builtInPresetSummary, PresetLibrary } from './preset-library';
import { BUILT_IN_PRESETS } from '../../shared/source-presets';
import type { DesktopHooks, NativeDialogs, PublishEvent } from './service-ports';
import { quietDesktopHooks } from './service-ports';

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
  let darkMode = false;
  const engine = new EngineThread(options.engineWorker ?? defaultEngineWorkerEntry());
  const presets = new PresetLibrary(stateDir);
  const checks = new CheckDesk(stateDir, engine, publish);
  const proposals = new MappingProposals(engine);

  /** The usable daily budget of a connection (or of the default one). */
  /** The encoding a full-file check found for this file, as detection options (see CheckDesk). */
  const encodingFound = (file: RegisteredFile) =>
    checks.encodingFound(file.ref.fileId, file.ref.sizeBytes);

  async function usableBudget(connectionId: string | undefined): Promise<number> {
    return (await budgetOf(connectionId)).usable;
  }

  async function budgetOf(
    connectionId: string | undefined,
  ): Promise<{ usable: number; websiteId: string | null }> {
    const list = await connections.list();
    const id = connectionId ?? list.defaultConnectionId;
    const connection = list.connections.find((c) => c.connectionId === id);
    if (!connection) return { usable: 10_000 - 500, websiteId: null };
    return {
      usable: Math.max(1, connection.budget.requestsPerDay - connection.budget.reserve),
      websiteId: connection.websiteId,
    };
  }

  /** Where the check finds what this app last wrote to the connection's website. */
  async function ledgerOf(connectionId: string | undefined): Promise<CheckLedger | null> {
    const { websiteId } = await budgetOf(connectionId);
    if (websiteId === null) return null;
    return { stateDir, websiteId, apiUrl: await connections.apiUrlOf(websiteId) };
  }

  /** Today's quota of a connection: its usable budget, less what this app spent today. */
  async function quotaToday(connectionId: string | undefined): Promise<QuotaToday | null> {
    const { usable, websiteId } = await budgetOf(connectionId);
    if (websiteId === null) return null;
    try {
      const saved = await savedQuotaView(stateDir, websiteId);
      const spent = Math.max(0, (saved.requestsPerDay ?? 0) - (saved.left ?? 0));
      const nextResetAt = Date.parse(saved.resetsAt ?? '');
      if (!Number.isFinite(nextResetAt)) return null;
      return { left: Math.max(0, usable - spent), requestsPerDay: usable, nextResetAt };
    } catch {
      return null;
    }
  }

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

  async function publishPresets(): Promise<void> {
    publish('presets:changed', await presets.list());
  }

  async function settingsView(): Promise<AppSettingsView> {
    const { settings } = await loadAppSettings(stateDir);
    const prefs = await preferences.read();
    const list = await connections.list();
    return {
      theme: settings.theme,
      emptyCells: settings.emptyCells,
      notifications: prefs.notifications,
      defaultConnectionId: list.defaultConnectionId,
    };
  }

  async function publishConnections(): Promise<void> {
    publish('connections:changed', await connections.list());
  }

  const csvFilters = [
    { name: 'CSV files and Excel workbooks', extensions: ['csv', 'txt', 'tsv', 'xlsx', 'xlsm'] },
    { name: 'All files', extensions: ['*'] },
  ];

  const handlers: ChannelHandlers = {
    async 'app:state'() {
      const settings = await settingsView();
      darkMode = desktop.applyTheme(settings.theme) || darkMode;
      return {
        appVersion: options.appVersion ?? '0.0.0',
        platform: platformOf(options.platform ?? process.platform),
        darkMode,
        settings,
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

    async 'mapping:propose'({ fileId, overrides }) {
      const file = files.get(fileId);
      // In the engine worker: a strange file never stalls the main process.
      const {
        headers,
        columns,
        proposal: found,
      } = await proposals.propose({
        path: file.path,
        overrides,
        detectOptions: encodingFound(file),
        userPresets: await presets.userPresets(),
      });
      // A saved preset keeps its own empty-cell choice; any other proposal takes the setting.
      const { settings } = await loadAppSettings(stateDir);
      const proposal =
        found.origin === 'user-preset'
          ? found
          : { ...found, mapping: { ...found.mapping, emptyCells: settings.emptyCells } };
      const matches = await presets.matches(headers);
      let proposedPreset = null;
      if (proposal.origin === 'user-preset') {
        proposedPreset = matches.find((m) => m.preset.presetId === proposal.presetId) ?? null;
      } else if (proposal.origin === 'built-in') {
        const builtIn = BUILT_IN_PRESETS.find((p) => p.id === proposal.presetId);
        if (builtIn) {
          proposedPreset = {
            preset: builtInPresetSummary(builtIn),
            score: 1,
            missingColumns: [],
            mapping: proposal.mapping,
          };
        }
      }
      return {
        columns,
        mapping: proposal.mapping,
        proposedPreset,
        presetMatches: matches,
      };
    },
    async 'mapping:validate'({ columns, mapping }) {
      const problems = validateMapping(mapping, columns).map((issue) => ({
        code: issue.code,
        severity: issue.severity,
        column: issue.column === '' ? null : issue.column,
        message: issue.message,
        suggestedKey: issue.suggestion ?? null,
      }));
      return { ok: !problems.some((p) => p.severity === 'error'), problems };
    },
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
        requestsPerDay: await usableBudget(connectionId),
        quota: await quotaToday(connectionId),
        ledger: await ledgerOf(connectionId),
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

    'presets:list': () => presets.list(),
    async 'presets:save'(input) {
      const saved = await presets.save(input);
      await publishPresets();
      return saved;
    },
    async 'presets:rename'({ presetId, name }) {
      const renamed = await presets.rename(presetId, name);
      await publishPresets();
      return renamed;
    },
    async 'presets:remove'({ presetId }) {
      const list = await presets.remove(presetId);
      publish('presets:changed', list);
      return list;
    },
    async 'presets:export'({ presetId }) {
      const preset = await presets.get(presetId);
      const safeName = preset.name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'preset';
      const to = await dialogs.chooseSaveLocation({
        title: 'Export the preset',
        defaultName: `${safeName}.json`,
        filters: [{ name: 'Preset files', extensions: ['json'] }],
      });
      if (to === null) return { savedTo: null };
      await presets.exportTo(presetId, to);
      return { savedTo: to };
    },
    async 'presets:import'() {
      const from = await dialogs.chooseFileToOpen({
        title: 'Import a preset',
        filters: [{ name: 'Preset files', extensions: ['json'] }],
      });
      if (from === null) return { preset: null };
      const preset = await presets.importFrom(from);
      await publishPresets();
      return { preset };
    },
    async 'presets:copyBuiltIn'({ presetId, name }) {
      const copy = await presets.copyBuiltIn(presetId, name);
      await publishPresets();
      return copy;
    },

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

    'settings:get': () => settingsView(),
    async 'settings:update'(update) {
      if (update.theme !== undefined || update.emptyCells !== undefined || update.budget) {
        await updateAppSettings(stateDir, (settings) => {
          let next = { ...settings };
          if (update.theme !== undefined) next.theme = update.theme;
          if (update.emptyCells !== undefined) next.emptyCells = update.emptyCells;
          if (update.budget) {
            const { connectionId, budget } = update.budget;
            if (budget.reserve >= budget.requestsPerDay) {
              throw new IpcFailure(
                'invalid_input',
                'The reserve must be smaller than the daily budget. Lower the reserve or raise the budget.',
              );
            }
            next = withDailyBudget(next, connectionId, {
              dailyBudget: budget.requestsPerDay,
              reserve: budget.reserve,
            });
          }
          return next;
        });
      }
      if (update.notifications !== undefined || update.defaultConnectionId !== undefined) {
        await preferences.update((prefs) => ({
          ...prefs,
          ...(update.notifications !== undefined ? { notifications: update.notifications } : {}),
          ...(update.defaultConnectionId !== undefined
            ? { defaultConnectionId: update.defaultConnectionId }
            : {}),
        }));
      }
      const view = await settingsView();
      if (update.theme !== undefined) {
        darkMode = desktop.applyTheme(view.theme);
        publish('theme:changed', { darkMode });
      }
      publish('settings:changed', view);
      if (update.budget || update.defaultConnectionId !== undefined) await publishConnections();
      return view;
    },
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
