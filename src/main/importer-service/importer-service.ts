/**
 * The importer service: one function per IPC channel, built on the engine. Plain Node (no
 * electron): the Electron main process, the handler tests and the end-to-end test backend all
 * create it the same way, with their own dialogs, desktop hooks and event sink.
 */
import type { AppSettings as AppSettingsView, AppState } from '../../shared/ipc-contract';
import { loadAppSettings, updateAppSettings, withDailyBudget } from '../engine/app-settings';
import type { KeychainOptions } from '../engine/credentials';
import type { ChannelHandlers } from '../ipc/ipc-dispatcher';
import { IpcFailure } from '../ipc/ipc-failure';
import { ConnectionBook } from './connection-book';
import { DesktopPreferenceFile } from './desktop-preferences';
import { FileRegistry } from './file-registry';
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
}

export interface ImporterService {
  handlers: ChannelHandlers;
  /** Sandbox server, when started (tests look at what it received). */
  connections: ConnectionBook;
  /** Stops running work cleanly (jobs paused where they are), closes servers. */
  close(): Promise<void>;
}

function platformOf(platform: NodeJS.Platform): AppState['platform'] {
  return platform === 'darwin' || platform === 'win32' || platform === 'linux' ? platform : 'other';
}

function notReady(what: string): never {
  throw new IpcFailure('internal', `${what} is not available in this version of the app yet.`);
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
  });
  let darkMode = false;

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
    { name: 'CSV files', extensions: ['csv', 'txt', 'tsv'] },
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
        jobs: [],
        resumableJobIds: [],
        activeJobId: null,
        files: files.list(),
        checks: [],
        presets: { presets: [], builtIn: [] },
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
    'file:dropped': ({ path }) => files.register(path),
    'file:inspect': () => notReady('Reading files'),

    'mapping:propose': () => notReady('Mapping'),
    'mapping:validate': () => notReady('Mapping'),
    'preview:rows': () => notReady('Preview'),

    'check:start': () => notReady('The full check'),
    'check:cancel': () => notReady('The full check'),
    'check:get': () => notReady('The full check'),
    'check:exportIssues': () => notReady('The full check'),

    'presets:list': () => notReady('Presets'),
    'presets:save': () => notReady('Presets'),
    'presets:rename': () => notReady('Presets'),
    'presets:remove': () => notReady('Presets'),
    'presets:export': () => notReady('Presets'),
    'presets:import': () => notReady('Presets'),
    'presets:copyBuiltIn': () => notReady('Presets'),

    'import:start': () => notReady('Importing'),
    'import:pause': () => notReady('Importing'),
    'import:resume': () => notReady('Importing'),
    'import:cancel': () => notReady('Importing'),
    'jobs:list': () => notReady('Imports'),
    'jobs:get': () => notReady('Imports'),
    'report:openFailedRows': () => notReady('Reports'),
    'report:saveFailedRows': () => notReady('Reports'),

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

    async 'app:openExternal'({ url }) {
      const protocol = new URL(url).protocol;
      if (protocol !== 'https:' && protocol !== 'http:') return { opened: false };
      return { opened: await desktop.openExternal(url) };
    },
  };

  return {
    handlers,
    connections,
    async close() {
      await connections.close();
    },
  };
}
