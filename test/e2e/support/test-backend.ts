// Starts and stops the test backend (test-backend-server.ts) as a child process, so a test can
// kill it mid-import like a crashed app and start it again on the same state folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import type { EventName } from '../../../src/shared/ipc-contract';

export interface TestBackendOptions {
  stateDir: string;
  keychainService: string;
  /** Origin of the page allowed to call the handlers (the static renderer server). */
  appOrigin: string;
  /** API origin of the fake Crisp that new connections talk to. */
  crispApiUrl?: string;
}

export interface PushedEvent {
  event: EventName;
  payload: unknown;
}

export interface DesktopLog {
  notifications: Array<{ title: string; body: string }>;
  activity: Array<{ sending: boolean; fraction: number | null; waiting: boolean }>;
  openedPaths: string[];
}

export interface TestBackend {
  url: string;
  invoke(
    channel: string,
    payload: unknown,
    sender: { url: string; isMainFrame: boolean },
  ): Promise<unknown>;
  /** Calls `listener` with every pushed event until the backend stops. */
  onEvent(listener: (event: PushedEvent) => void): void;
  queueDialogAnswers(answers: {
    open?: Array<string | null>;
    save?: Array<string | null>;
  }): Promise<void>;
  desktopLog(): Promise<DesktopLog>;
  /** SIGTERM (clean: jobs pause) or SIGKILL (a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

function post(url: string, body: unknown): Promise<unknown> {
  return new Promise((ok, fail) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': data.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200)
            fail(new Error(`backend answered ${res.statusCode}: ${text}`));
          else ok(JSON.parse(text));
        });
      },
    );
    req.on('error', fail);
    req.end(data);
  });
}

export async function startTestBackend(options: TestBackendOptions): Promise<TestBackend> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve('test/e2e/support/test-backend-server.ts')],
    {
      env: {
        ...process.env,
        E2E_STATE_DIR: options.stateDir,
        E2E_KEYCHAIN_SERVICE: options.keychainService,
        E2E_APP_ORIGIN: options.appOrigin,
        ...(options.crispApiUrl ? { E2E_CRISP_API_URL: options.crispApiUrl } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(`[backend] ${chunk.toString()}`);
  });
  const port = await new Promise<number>((ok, fail) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) {
        child.stdout?.off('data', onData);
        ok(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`test backend exited (${code}): ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));

  const listeners: Array<(event: PushedEvent) => void> = [];
  const events = request(`${url}/events`, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      buffer += text;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (data === '') continue;
        const event = JSON.parse(data) as PushedEvent;
        for (const listener of listeners) listener(event);
      }
    });
  });
  events.on('error', () => undefined);
  events.end();

  return {
    url,
    invoke: (channel, payload, sender) => post(`${url}/invoke`, { channel, payload, sender }),
    onEvent: (listener) => listeners.push(listener),
    queueDialogAnswers: async (answers) => {
      await post(`${url}/test/dialogs`, answers);
    },
    desktopLog: () =>
      new Promise((ok, fail) => {
        request(`${url}/test/desktop`, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => ok(JSON.parse(Buffer.concat(chunks).toString('utf8')) as DesktopLog));
        })
          .on('error', fail)
          .end();
      }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      events.destroy();
      child.kill(signal);
      await exited;
    },
  };
}
