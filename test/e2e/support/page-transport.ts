// Runs in the page (bundled by esbuild into an init script): builds `window.importer` with the
// REAL bridge (createImporterApi) over two Playwright bindings, exactly as the preload builds it
// over ipcRenderer. Dropped files are resolved through a name -> path table the test provides,
// standing in for webUtils.getPathForFile.
import { createImporterApi, type ImporterTransport } from '../../../src/shared/importer-bridge';
import type { ChannelName, EventName } from '../../../src/shared/ipc-contract';

interface TestWindow {
  __importerInvoke(channel: ChannelName, payload: unknown): Promise<unknown>;
  __importerDeliver?: (event: EventName, payload: unknown) => void;
  __importerDroppedPaths?: Map<string, string>;
  importer?: unknown;
}

const page = globalThis as unknown as TestWindow;
const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
page.__importerDeliver = (event, payload) => {
  for (const listener of listeners.get(event) ?? []) listener(payload);
};
page.__importerDroppedPaths = new Map();

const transport: ImporterTransport = {
  invoke: (channel, payload) => page.__importerInvoke(channel, payload),
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
  pathForDroppedFile: (file) => page.__importerDroppedPaths?.get(file.name) ?? '',
};

Object.defineProperty(globalThis, 'importer', {
  value: createImporterApi(transport),
  writable: false,
  configurable: false,
});
