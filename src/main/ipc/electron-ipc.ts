/** Binds the handler layer to Electron's ipcMain and pushes events to the app's window. */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES } from '../../shared/ipc-contract';
import type { IpcDispatcher } from './ipc-dispatcher';
import type { EventSink } from './event-publisher';

function senderOf(event: IpcMainInvokeEvent): { url: string; isMainFrame: boolean } {
  const frame = event.senderFrame;
  return {
    url: frame?.url ?? '',
    isMainFrame: frame !== null && frame === event.sender.mainFrame,
  };
}

/** Registers one ipcMain handler per channel of the contract. Returns a function removing them. */
export function bindIpcMain(ipcMain: IpcMain, dispatcher: IpcDispatcher): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, payload: unknown) =>
      dispatcher.dispatch(channel, payload, senderOf(event)),
    );
  }
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}

/** An event sink sending to the window's page (dropped while there is no window or it is loading). */
export function windowEventSink(getWindow: () => BrowserWindow | null): EventSink {
  return (event, payload) => {
    const win = getWindow();
    if (!win || win.isDestroyed() || win.webContents.isLoading()) return;
    win.webContents.send(event, payload);
  };
}
