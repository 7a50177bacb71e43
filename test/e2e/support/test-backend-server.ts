// The end-to-end tests' stand-in for Electron's main process: a Node process hosting the REAL
// handler layer and importer service (temp state folder, real keychain, the engine in its worker
// thread), reachable over loopback HTTP by the test transport. Only Electron's IPC is replaced.
//
//   node --import tsx test/e2e/support/test-backend-server.ts
//   env: E2E_STATE_DIR, E2E_KEYCHAIN_SERVICE, E2E_APP_ORIGIN
//   prints "READY <port>" once listening.
//
//   POST /invoke        {channel, payload, sender: {url, isMainFrame}} -> the IPC answer
//   GET  /events        server-sent events: each pushed event as {event, payload}
//   POST /test/dialogs  {open?: (string|null)[], save?: (string|null)[]} queues dialog answers
//   GET  /test/desktop  what the desktop hooks were asked (notifications, activity, opened paths)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { EventName } from '../../../src/shared/ipc-contract';
import { createEventPublisher } from '../../../src/main/ipc/event-publisher';
import { createIpcDispatcher } from '../../../src/main/ipc/ipc-dispatcher';
import { trustPages } from '../../../src/main/ipc/trusted-sender';
import { createImporterService } from '../../../src/main/importer-service/importer-service';
import type {
  DesktopHooks,
  ImportActivity,
  NativeDialogs,
} from '../../../src/main/importer-service/service-ports';

const stateDir = required('E2E_STATE_DIR');
const keychainService = required('E2E_KEYCHAIN_SERVICE');
const appOrigin = required('E2E_APP_ORIGIN');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const openAnswers: Array<string | null> = [];
const saveAnswers: Array<string | null> = [];
const dialogs: NativeDialogs = {
  chooseFileToOpen: () => Promise.resolve(openAnswers.shift() ?? null),
  chooseSaveLocation: () => Promise.resolve(saveAnswers.shift() ?? null),
};

const desktopLog = {
  notifications: [] as Array<{ title: string; body: string }>,
  activity: [] as ImportActivity[],
  openedPaths: [] as string[],
};
const desktop: DesktopHooks = {
  openPath(path) {
    desktopLog.openedPaths.push(path);
    return Promise.resolve(true);
  },
  importActivity(activity) {
    desktopLog.activity.push(activity);
    if (desktopLog.activity.length > 200) desktopLog.activity.shift();
  },
  notify(notice) {
    desktopLog.notifications.push(notice);
  },
  applyTheme: (theme) => theme === 'dark',
};

const listeners = new Set<ServerResponse>();
const publisher = createEventPublisher((event: EventName, payload: unknown) => {
  const line = `data: ${JSON.stringify({ event, payload })}\n\n`;
  for (const res of listeners) res.write(line);
});

const service = createImporterService({
  stateDir,
  dialogs,
  desktop,
  publish: (event, payload) => publisher.publish(event, payload),
  keychain: { service: keychainService },
  appVersion: '0.0.0-e2e',
  connectionTestTimeoutMs: 5000,
  ...(process.env.E2E_CRISP_API_URL ? { crispApiUrl: process.env.E2E_CRISP_API_URL } : {}),
  engineWorker: {
    url: new URL('../../../src/main/importer-service/engine-worker.ts', import.meta.url),
    typescript: true,
  },
});
const dispatcher = createIpcDispatcher({
  handlers: service.handlers,
  isTrustedSender: trustPages({ origins: [appOrigin] }),
  onUnexpectedError: (channel, error) => console.error(`IPC ${channel} failed:`, error),
});

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/events') {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': ready\n\n');
    listeners.add(res);
    req.on('close', () => listeners.delete(res));
    return;
  }
  if (req.method === 'GET' && url.pathname === '/test/desktop') return json(res, desktopLog);
  if (req.method !== 'POST') return void res.writeHead(404).end();
  body(req).then(
    async (input) => {
      if (url.pathname === '/invoke') {
        const { channel, payload, sender } = input as {
          channel: string;
          payload: unknown;
          sender: { url: string; isMainFrame: boolean };
        };
        return json(res, await dispatcher.dispatch(channel, payload, sender));
      }
      if (url.pathname === '/test/dialogs') {
        const answers = input as { open?: Array<string | null>; save?: Array<string | null> };
        openAnswers.push(...(answers.open ?? []));
        saveAnswers.push(...(answers.save ?? []));
        return json(res, { ok: true });
      }
      res.writeHead(404).end();
    },
    (error: unknown) => {
      res.writeHead(400).end(String(error));
    },
  );
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`READY ${address.port}\n`);
});

async function shutdown(): Promise<void> {
  publisher.close();
  for (const res of listeners) res.end();
  await service.close();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
