// Preload: exposes one narrow, typed API object to the renderer through contextBridge.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('importer', { version: 1 });
