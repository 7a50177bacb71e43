/** The importer service's dialogs, as Electron's native open and save dialogs. */
import { dialog, type BrowserWindow } from 'electron';
import type { NativeDialogs } from '../importer-service/service-ports';

export function electronDialogs(getWindow: () => BrowserWindow | null): NativeDialogs {
  return {
    async chooseFileToOpen({ title, filters }) {
      const win = getWindow();
      const options = { title, filters, properties: ['openFile' as const] };
      const result = win
        ? await dialog.showOpenDialog(win, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseSaveLocation({ title, defaultName, filters }) {
      const win = getWindow();
      const options = { title, defaultPath: defaultName, filters };
      const result = win
        ? await dialog.showSaveDialog(win, options)
        : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
