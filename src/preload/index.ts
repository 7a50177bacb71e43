// Preload (sandboxed): builds the one narrow typed object `window.importer` over ipcRenderer and
// exposes it with contextBridge. No ipcRenderer, no generic invoke, no Node modules reach the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createImporterApi, type ImporterTransport } from '../shared/importer-bridge';

const transport: ImporterTransport = {
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  subscribe(event, listener) {
    // The IpcRendererEvent (with its sender) is stripped: the page only sees the payload.
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown): void =>
      listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
  pathForDroppedFile: (file) => webUtils.getPathForFile(file as unknown as File),
};

contextBridge.exposeInMainWorld('importer', createImporterApi(transport));
