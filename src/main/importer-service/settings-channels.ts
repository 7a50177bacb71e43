/**
 * The `settings:*` channels: the app's settings (theme, empty cells, daily budgets, in the state
 * folder's settings.json shared with the CLI) and the desktop preferences (notifications, the
 * default connection), with the theme applied to the window and the events that follow a change.
 */
import type { AppSettings as AppSettingsView } from '../../shared/ipc-contract';
import { loadAppSettings, updateAppSettings, withDailyBudget } from '../engine/app-settings';
import type { ChannelHandlers } from '../ipc/ipc-dispatcher';
import { IpcFailure } from '../ipc/ipc-failure';
import type { ConnectionBook } from './connection-book';
import type { DesktopPreferenceFile } from './desktop-preferences';
import type { DesktopHooks, PublishEvent } from './service-ports';

export interface SettingsChannelsOptions {
  stateDir: string;
  preferences: DesktopPreferenceFile;
  connections: ConnectionBook;
  desktop: DesktopHooks;
  publish: PublishEvent;
}

export interface SettingsChannels {
  handlers: Pick<ChannelHandlers, 'settings:get' | 'settings:update'>;
  /** The settings as the page shows them, with the theme applied (for `app:state`). */
  themedView(): Promise<{ settings: AppSettingsView; darkMode: boolean }>;
}

type SettingsUpdate = Parameters<ChannelHandlers['settings:update']>[0];

export function settingsChannels(options: SettingsChannelsOptions): SettingsChannels {
  const { stateDir, preferences, connections, desktop, publish } = options;
  let darkMode = false;

  async function view(): Promise<AppSettingsView> {
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

  async function saveAppSettings(update: SettingsUpdate): Promise<void> {
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

  async function savePreferences(update: SettingsUpdate): Promise<void> {
    await preferences.update((prefs) => ({
      ...prefs,
      ...(update.notifications !== undefined ? { notifications: update.notifications } : {}),
      ...(update.defaultConnectionId !== undefined
        ? { defaultConnectionId: update.defaultConnectionId }
        : {}),
    }));
  }

  return {
    async themedView() {
      const settings = await view();
      darkMode = desktop.applyTheme(settings.theme) || darkMode;
      return { settings, darkMode };
    },
    handlers: {
      'settings:get': () => view(),
      async 'settings:update'(update) {
        if (update.theme !== undefined || update.emptyCells !== undefined || update.budget) {
          await saveAppSettings(update);
        }
        if (update.notifications !== undefined || update.defaultConnectionId !== undefined) {
          await savePreferences(update);
        }
        const updated = await view();
        if (update.theme !== undefined) {
          darkMode = desktop.applyTheme(updated.theme);
          publish('theme:changed', { darkMode });
        }
        publish('settings:changed', updated);
        if (update.budget || update.defaultConnectionId !== undefined) {
          publish('connections:changed', await connections.list());
        }
        return updated;
      },
    },
  };
}
