// Shared set-up for the IPC handler tests: a real importer service over a temp state folder, its
// own keychain service name, scripted native dialogs, and a record of pushed events.
import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../../src/shared/ipc-contract';
import { deleteCrispCredentials, listSavedWebsites } from '../../src/main/engine/credentials';
import { createIpcDispatcher, type IpcDispatcher } from '../../src/main/ipc/ipc-dispatcher';
import { createEventPublisher } from '../../src/main/ipc/event-publisher';
import { trustPages, type IpcSender } from '../../src/main/ipc/trusted-sender';
import {
  createImporterService,
  type ImporterService,
} from '../../src/main/importer-service/importer-service';
import type { NativeDialogs } from '../../src/main/importer-service/service-ports';

export const APP_ORIGIN = 'http://127.0.0.1:4999';
export const APP_PAGE: IpcSender = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };

export interface IpcHarness {
  stateDir: string;
  service: ImporterService;
  dispatcher: IpcDispatcher;
  /** Paths the next open/save dialogs answer (null = closed). */
  openAnswers: Array<string | null>;
  saveAnswers: Array<string | null>;
  events: Array<{ event: EventName; payload: unknown }>;
  call(channel: string, payload?: unknown, sender?: IpcSender): Promise<unknown>;
  close(): Promise<void>;
}

export async function startIpcHarness(): Promise<IpcHarness> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ipc-test-'));
  const keychainService = `crisp-importer-ipc-test-${randomUUID()}`;
  const openAnswers: Array<string | null> = [];
  const saveAnswers: Array<string | null> = [];
  const events: Array<{ event: EventName; payload: unknown }> = [];
  const dialogs: NativeDialogs = {
    chooseFileToOpen: () => Promise.resolve(openAnswers.shift() ?? null),
    chooseSaveLocation: () => Promise.resolve(saveAnswers.shift() ?? null),
  };
  const publisher = createEventPublisher((event, payload) => events.push({ event, payload }));
  const service = createImporterService({
    stateDir,
    dialogs,
    publish: (event, payload) => publisher.publish(event, payload),
    keychain: { service: keychainService },
    connectionTestTimeoutMs: 3000,
  });
  const dispatcher = createIpcDispatcher({
    handlers: service.handlers,
    isTrustedSender: trustPages({ origins: [APP_ORIGIN] }),
  });
  return {
    stateDir,
    service,
    dispatcher,
    openAnswers,
    saveAnswers,
    events,
    call: (channel, payload, sender = APP_PAGE) => dispatcher.dispatch(channel, payload, sender),
    async close() {
      publisher.close();
      await service.close();
      for (const website of await listSavedWebsites({ service: keychainService }).catch(() => [])) {
        await deleteCrispCredentials(website.websiteId, { service: keychainService });
      }
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
