// The one door to the rest of the app: `window.importer`, built by the preload from the IPC
// contract (src/shared/importer-bridge.ts). The renderer never talks to anything else.
import type { ImporterApi } from '../../../shared/importer-bridge';
import type { IpcError, IpcResult } from '../../../shared/ipc-contract';

declare global {
  interface Window {
    importer?: ImporterApi;
  }
}

export function getImporter(): ImporterApi {
  const api = window.importer;
  if (!api) {
    throw new Error(
      'The app did not start correctly (its connection to the background part is missing). Restart the app.',
    );
  }
  return api;
}

/** An IPC error as an exception, so screens can use try/catch around several calls. */
export class ImporterError extends Error {
  constructor(readonly error: IpcError) {
    super(error.message);
  }
  get code(): IpcError['code'] {
    return this.error.code;
  }
}

export async function unwrap<T>(result: Promise<IpcResult<T>>): Promise<T> {
  const answer = await result;
  if (!answer.ok) throw new ImporterError(answer.error);
  return answer.value;
}

/** A plain message for anything thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof ImporterError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again, and restart the app if it keeps happening.';
}
