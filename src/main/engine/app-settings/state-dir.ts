/**
 * The state folder: where settings, jobs and journals live. It is the desktop app's user-data
 * folder, computed here without electron so that the CLI and the app share jobs. The Electron
 * main process must call `app.setPath('userData', defaultStateDir())` before `app.whenReady()`
 * so both always agree, whatever Electron's own default would be.
 */
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

/** The folder name under the platform's application-data folder (the app's productName). */
export const APP_FOLDER_NAME = 'Contact Importer for Crisp';

/** Environment variable that moves the state folder (tests, portable installs, CI). */
export const STATE_DIR_ENV = 'CRISP_IMPORTER_STATE_DIR';

export interface StateDirContext {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The desktop app's user-data folder, as Electron computes `appData` + productName:
 * - Linux: `$XDG_CONFIG_HOME/Contact Importer for Crisp`, else `~/.config/Contact Importer for Crisp`
 * - macOS: `~/Library/Application Support/Contact Importer for Crisp`
 * - Windows: `%APPDATA%\Contact Importer for Crisp`, else `~\AppData\Roaming\Contact Importer for Crisp`
 */
export function defaultStateDir(context: StateDirContext = {}): string {
  const env = context.env ?? process.env;
  const platform = context.platform ?? process.platform;
  const home = context.home ?? homedir();
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, APP_FOLDER_NAME);
  }
  if (platform === 'darwin') {
    return join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  }
  const configHome = nonEmpty(env.XDG_CONFIG_HOME) ?? join(home, '.config');
  return join(configHome, APP_FOLDER_NAME);
}

/**
 * The state folder to use: `CRISP_IMPORTER_STATE_DIR` when set (tests, portable use), else
 * `defaultStateDir()`.
 */
export function resolveStateDir(context: StateDirContext = {}): string {
  const env = context.env ?? process.env;
  return nonEmpty(env[STATE_DIR_ENV]) ?? defaultStateDir(context);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
