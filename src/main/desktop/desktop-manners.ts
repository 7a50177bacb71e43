/**
 * Desktop manners for a long import: the machine kept awake while sending, the taskbar/dock
 * progress indicator, a system notification when a long import ends or needs attention, files
 * opened with the system's app, and the light/dark theme following the system.
 */
import {
  Notification,
  app,
  nativeTheme,
  powerSaveBlocker,
  shell,
  type BrowserWindow,
} from 'electron';
import type { DesktopHooks } from '../importer-service/service-ports';

export function electronDesktopHooks(
  getWindow: () => BrowserWindow | null,
  iconPath?: string,
): DesktopHooks {
  let blockerId: number | null = null;
  return {
    async openPath(path) {
      const problem = await shell.openPath(path);
      return problem === '';
    },
    importActivity({ sending, fraction, waiting }) {
      if (sending && blockerId === null) {
        blockerId = powerSaveBlocker.start('prevent-app-suspension');
      } else if (!sending && blockerId !== null) {
        powerSaveBlocker.stop(blockerId);
        blockerId = null;
      }
      const win = getWindow();
      if (win && !win.isDestroyed()) {
        if (fraction === null) win.setProgressBar(-1);
        else win.setProgressBar(fraction, { mode: waiting ? 'paused' : 'normal' });
      }
      if (process.platform === 'darwin' && app.dock) {
        app.dock.setBadge(fraction === null ? '' : `${Math.floor(fraction * 100)}%`);
      }
    },
    notify({ title, body }) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({
        title,
        body,
        ...(iconPath ? { icon: iconPath } : {}),
      });
      notification.on('click', () => {
        const win = getWindow();
        if (win && !win.isDestroyed()) {
          if (win.isMinimized()) win.restore();
          win.focus();
        }
      });
      notification.show();
    },
    applyTheme(theme) {
      nativeTheme.themeSource = theme;
      return nativeTheme.shouldUseDarkColors;
    },
  };
}
