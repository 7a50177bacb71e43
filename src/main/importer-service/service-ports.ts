/**
 * What the importer service needs from the desktop around it, as plain interfaces: the Electron
 * main process implements them with native dialogs, shell, powerSaveBlocker, the taskbar and
 * Notification; the tests implement them with queues and records. No electron import here.
 */
import type { EventName, EventPayload } from '../../shared/ipc-contract';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface NativeDialogs {
  /** The native open dialog; the chosen path, or null when closed. */
  chooseFileToOpen(options: { title: string; filters: FileFilter[] }): Promise<string | null>;
  /** The native save dialog; the chosen path, or null when closed. */
  chooseSaveLocation(options: {
    title: string;
    defaultName: string;
    filters: FileFilter[];
  }): Promise<string | null>;
}

/** Import activity, for the desktop's manners (sleep blocker, taskbar progress, notifications). */
export interface ImportActivity {
  /** True while a job is sending (the machine must not sleep). */
  sending: boolean;
  /** 0..1 of the sending job, or null when nothing runs (progress indicator cleared). */
  fraction: number | null;
  /** True when the indicator should show a paused/waiting state. */
  waiting: boolean;
}

export interface DesktopHooks {
  /** Opens a file with the system's default app (the failed rows CSV). False when it could not. */
  openPath(path: string): Promise<boolean>;
  importActivity(activity: ImportActivity): void;
  /** A system notification (a long import ended or needs attention). */
  notify(notice: { title: string; body: string }): void;
  /** Applies the theme preference (nativeTheme.themeSource); returns whether it is dark now. */
  applyTheme(theme: 'system' | 'light' | 'dark'): boolean;
}

export type PublishEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Hooks that do nothing: for the CLI-like uses and tests that do not look at them. */
export function quietDesktopHooks(): DesktopHooks {
  return {
    openPath: () => Promise.resolve(false),
    importActivity: () => undefined,
    notify: () => undefined,
    applyTheme: () => false,
  };
}
