// Opens the built renderer in Playwright's Chromium with `window.importer` built by the REAL
// bridge over a test transport that carries each call to the test backend's REAL handlers.
// The backend can be killed and started again (same state folder, same keychain service) while
// the page stays open, like an app that crashed and was restarted.
import { buildSync } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { deleteCrispCredentials, listSavedWebsites } from '../../../src/main/engine/credentials';
import type { EventName } from '../../../src/shared/ipc-contract';
import { serveBuiltRenderer, type StaticRendererServer } from './static-renderer-server';
import { startTestBackend, type PushedEvent, type TestBackend } from './test-backend';

let bundledTransport: string | null = null;

/** page-transport.ts (and the real bridge it imports) as one script for addInitScript. */
export function pageTransportScript(): string {
  if (bundledTransport) return bundledTransport;
  const result = buildSync({
    entryPoints: [resolve('test/e2e/support/page-transport.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  bundledTransport = result.outputFiles[0]?.text ?? '';
  return bundledTransport;
}

export interface ImporterTestApp {
  page: Page;
  stateDir: string;
  keychainService: string;
  renderer: StaticRendererServer;
  /** The backend now running (changes after restartBackend). */
  backend(): TestBackend;
  /** Every event pushed to the page, in order, with when it arrived (ms). */
  events: Array<PushedEvent & { receivedAt: number }>;
  /** Opens the app (navigates to the renderer). */
  open(): Promise<void>;
  /** Kills the backend (SIGKILL: a crash) or stops it cleanly, then starts a new one. */
  restartBackend(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  stopBackend(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  startBackend(): Promise<void>;
  /** The next native open/save dialogs answer these paths (null = closed). */
  answerDialogs(answers: {
    open?: Array<string | null>;
    save?: Array<string | null>;
  }): Promise<void>;
  /** Makes a File named `name` dropped on the page resolve to `path` (webUtils stand-in). */
  registerDroppablePath(name: string, path: string): Promise<void>;
  close(): Promise<void>;
}

export interface ImporterTestAppOptions {
  /** API origin of the fake Crisp that new connections talk to. */
  crispApiUrl?: string;
}

export async function startImporterTestApp(
  page: Page,
  options: ImporterTestAppOptions = {},
): Promise<ImporterTestApp> {
  const stateDir = await mkdtemp(join(tmpdir(), 'importer-e2e-'));
  const keychainService = `crisp-importer-e2e-${randomUUID()}`;
  const renderer = await serveBuiltRenderer();
  const appOrigin = new URL(renderer.url).origin;
  const events: Array<PushedEvent & { receivedAt: number }> = [];
  let backend: TestBackend | null = null;
  let delivery = Promise.resolve();

  const deliver = (event: PushedEvent): void => {
    events.push({ ...event, receivedAt: Date.now() });
    delivery = delivery
      .then(() =>
        page.evaluate(
          ([name, payload]) => {
            const target = globalThis as unknown as {
              __importerDeliver?: (event: string, payload: unknown) => void;
            };
            target.__importerDeliver?.(name, payload);
          },
          [event.event, event.payload] as [EventName, unknown],
        ),
      )
      .then(
        () => undefined,
        () => undefined,
      );
  };

  async function startBackend(): Promise<void> {
    backend = await startTestBackend({
      stateDir,
      keychainService,
      appOrigin,
      ...(options.crispApiUrl ? { crispApiUrl: options.crispApiUrl } : {}),
    });
    backend.onEvent(deliver);
  }

  await page.exposeBinding(
    '__importerInvoke',
    async (source, channel: string, payload: unknown) => {
      if (!backend) {
        return {
          ok: false,
          error: { code: 'internal', message: 'The app is restarting. Try again in a moment.' },
        };
      }
      const sender = {
        url: source.frame.url(),
        isMainFrame: source.frame === source.page.mainFrame(),
      };
      try {
        return await backend.invoke(channel, payload, sender);
      } catch (error) {
        return { ok: false, error: { code: 'internal', message: String(error) } };
      }
    },
  );
  await page.addInitScript({ content: pageTransportScript() });
  await startBackend();

  const app: ImporterTestApp = {
    page,
    stateDir,
    keychainService,
    renderer,
    events,
    backend: () => {
      if (!backend) throw new Error('backend stopped');
      return backend;
    },
    open: async () => {
      await page.goto(renderer.url);
    },
    async stopBackend(signal = 'SIGTERM') {
      const current = backend;
      backend = null;
      await current?.stop(signal);
    },
    startBackend,
    async restartBackend(signal = 'SIGKILL') {
      await app.stopBackend(signal);
      await startBackend();
    },
    answerDialogs: async (answers) => {
      if (!backend) throw new Error('backend stopped');
      await backend.queueDialogAnswers(answers);
    },
    registerDroppablePath: async (name, path) => {
      await page.evaluate(
        ([n, p]) => {
          (
            globalThis as unknown as { __importerDroppedPaths: Map<string, string> }
          ).__importerDroppedPaths.set(n, p);
        },
        [name, path] as [string, string],
      );
    },
    async close() {
      await backend?.stop('SIGTERM');
      backend = null;
      await renderer.close();
      for (const website of await listSavedWebsites({ service: keychainService }).catch(() => [])) {
        await deleteCrispCredentials(website.websiteId, { service: keychainService }).catch(
          () => false,
        );
      }
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return app;
}
