/**
 * Builds `window.importer`, the one narrow typed object the renderer talks to, from a minimal
 * transport. The preload builds it over ipcRenderer (and exposes it with contextBridge); the
 * end-to-end tests build the very same object over a test transport, so they cover this code.
 *
 * Each request channel of the contract becomes a named function returning
 * `Promise<IpcResult<Output>>`; each pushed event becomes `on<Event>(callback)` returning an
 * unsubscribe function. Nothing generic is exposed.
 */
// Type-only imports: the sandboxed preload cannot `require` npm packages, so this module carries
// no runtime dependency (not even zod). The method tables below are checked against the contract
// by the compiler.
import type {
  ChannelInput,
  ChannelName,
  ChannelOutput,
  EventName,
  EventPayload,
  FileRef,
  IpcChannels,
  IpcEvents,
  IpcResult,
} from './ipc-contract';
import { bytesToBase64, dropProofRanges } from './dropped-file-proof';

/** Function name on `window.importer` for each channel (must equal the contract's `method`). */
const CHANNEL_METHODS = {
  'app:state': 'getAppState',
  'connections:list': 'listConnections',
  'connections:save': 'saveConnection',
  'connections:test': 'testConnection',
  'connections:remove': 'removeConnection',
  'connections:useSandbox': 'useSandbox',
  'file:choose': 'chooseFile',
  'file:dropped': 'fileDropped',
  'file:inspect': 'inspectFile',
  'mapping:propose': 'proposeMapping',
  'mapping:validate': 'validateMapping',
  'preview:rows': 'previewRows',
  'check:start': 'startCheck',
  'check:cancel': 'cancelCheck',
  'check:get': 'getCheck',
  'check:exportIssues': 'exportCheckIssues',
  'presets:list': 'listPresets',
  'presets:save': 'savePreset',
  'presets:rename': 'renamePreset',
  'presets:remove': 'removePreset',
  'presets:export': 'exportPreset',
  'presets:import': 'importPreset',
  'presets:copyBuiltIn': 'copyBuiltInPreset',
  'import:start': 'startImport',
  'import:pause': 'pauseImport',
  'import:resume': 'resumeImport',
  'import:cancel': 'cancelImport',
  'import:retryFailed': 'retryFailedRows',
  'jobs:list': 'listJobs',
  'jobs:get': 'getJob',
  'undo:preview': 'previewUndo',
  'undo:start': 'startUndo',
  'undo:get': 'getUndo',
  'report:openFailedRows': 'openFailedRows',
  'report:saveFailedRows': 'saveFailedRows',
  'settings:get': 'getSettings',
  'settings:update': 'updateSettings',
} as const satisfies { [C in ChannelName]: IpcChannels[C]['method'] };

/** Subscribe function name on `window.importer` for each event (the contract's `listener`). */
const EVENT_LISTENERS = {
  'import:progressed': 'onImportProgressed',
  'import:stateChanged': 'onImportStateChanged',
  'undo:progressed': 'onUndoProgressed',
  'check:progressed': 'onCheckProgressed',
  'check:finished': 'onCheckFinished',
  'file:opened': 'onFileOpened',
  'connections:changed': 'onConnectionsChanged',
  'presets:changed': 'onPresetsChanged',
  'settings:changed': 'onSettingsChanged',
  'theme:changed': 'onThemeChanged',
  'menu:commanded': 'onMenuCommand',
} as const satisfies { [E in EventName]: IpcEvents[E]['listener'] };

/** What carries requests and events: Electron's IPC in the app, a test binding in the e2e tests. */
export interface ImporterTransport {
  invoke(channel: ChannelName, payload: unknown): Promise<unknown>;
  /** Calls `listener` with each payload of `event`; returns a function that stops it. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  /**
   * Resolves a File dropped on the window to its path on disk (Electron's
   * webUtils.getPathForFile). Returns '' when the File has no path (not from the disk).
   */
  pathForDroppedFile(file: DroppedFile): string;
}

/** The DOM `File` of a drop event (typed structurally so this module compiles without DOM). */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

type RequestFunction<C extends ChannelName> =
  Record<never, never> extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>;

/** Channels the renderer does not call directly (the bridge calls them for it). */
type BridgeOnlyChannel = 'file:dropped';

type RequestFunctions = {
  [C in Exclude<ChannelName, BridgeOnlyChannel> as IpcChannels[C]['method']]: RequestFunction<C>;
};

type EventFunctions = {
  [E in EventName as IpcEvents[E]['listener']]: (
    listener: (payload: EventPayload<E>) => void,
  ) => () => void;
};

export type ImporterApi = RequestFunctions &
  EventFunctions & {
    /**
     * Registers a file dropped on the window (pass the DOM File from the drop event). Answers
     * `file_unreadable` when the File does not come from the disk.
     */
    openDroppedFile(file: DroppedFile): Promise<IpcResult<FileRef>>;
  };

function transportFailure(error: unknown): IpcResult<never> {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    error: {
      code: 'internal',
      message: `The app's background part did not answer (${detail}). Restart the app and try again.`,
    },
  };
}

function isEnvelope(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const envelope = answer as { ok?: unknown; value?: unknown; error?: unknown };
  if (envelope.ok === true) return 'value' in envelope;
  if (envelope.ok !== false) return false;
  const error = envelope.error as { code?: unknown; message?: unknown } | undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

async function call<C extends ChannelName>(
  transport: ImporterTransport,
  channel: C,
  payload: unknown,
): Promise<IpcResult<ChannelOutput<C>>> {
  let answer: unknown;
  try {
    answer = await transport.invoke(channel, payload ?? {});
  } catch (error) {
    return transportFailure(error);
  }
  if (!isEnvelope(answer)) {
    return {
      ok: false,
      error: {
        code: 'invalid_output',
        message: 'The app gave an answer it should not have. Restart the app and try again.',
      },
    };
  }
  return answer as IpcResult<ChannelOutput<C>>;
}

function droppedFileRefused(message: string): IpcResult<never> {
  return { ok: false, error: { code: 'file_unreadable', message } };
}

/** The dropped File's size and its first and last bytes, as main checks them. */
async function dropProof(file: DroppedFile): Promise<{ size: number; head: string; tail: string }> {
  const { head, tail } = dropProofRanges(file.size);
  const read = async (start: number, end: number): Promise<string> =>
    end > start ? bytesToBase64(new Uint8Array(await file.slice(start, end).arrayBuffer())) : '';
  return {
    size: file.size,
    head: await read(head.start, head.end),
    tail: await read(tail.start, tail.end),
  };
}

export function createImporterApi(transport: ImporterTransport): ImporterApi {
  const api: Record<string, unknown> = {};
  for (const channel of Object.keys(CHANNEL_METHODS) as ChannelName[]) {
    if (channel === 'file:dropped') continue;
    api[CHANNEL_METHODS[channel]] = (input?: unknown) => call(transport, channel, input);
  }
  for (const name of Object.keys(EVENT_LISTENERS) as EventName[]) {
    api[EVENT_LISTENERS[name]] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      return transport.subscribe(name, (payload) => listener(payload));
    };
  }
  api.openDroppedFile = async (file: DroppedFile): Promise<IpcResult<FileRef>> => {
    let path: string;
    try {
      path = transport.pathForDroppedFile(file);
    } catch {
      path = '';
    }
    if (!path) {
      return droppedFileRefused(
        'This item is not a file on your computer. Drop a CSV file from a folder, or use Choose file.',
      );
    }
    // Main opens the path only if the file there holds the bytes of this File (see
    // dropped-file-proof.ts): a path alone is never enough.
    let proof: { size: number; head: string; tail: string };
    try {
      proof = await dropProof(file);
    } catch {
      return droppedFileRefused(
        `${file.name} cannot be read (it may be a folder, or it was moved). Drop a CSV file, or use Choose file.`,
      );
    }
    return call(transport, 'file:dropped', { path, ...proof });
  };
  return Object.freeze(api) as ImporterApi;
}
