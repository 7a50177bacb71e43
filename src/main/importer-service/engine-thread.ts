/**
 * The main side of the engine worker: starts it on first use, forwards requests, and hands its
 * messages to the service. If the worker dies, running checks are reported failed and running
 * jobs ended (their journal is durable: they resume from where they were); the next request
 * starts a fresh worker.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage, WorkerRequest } from './engine-protocol';

/** Where the worker's code is: the bundled .js in the app, the .ts source under tsx in tests. */
export interface EngineWorkerEntry {
  url: URL;
  /** True for a TypeScript source file (loaded through tsx's loader). */
  typescript: boolean;
}

export function defaultEngineWorkerEntry(): EngineWorkerEntry {
  return { url: new URL('./engine-worker.ts', import.meta.url), typescript: true };
}

function spawnWorker(entry: EngineWorkerEntry): Worker {
  if (!entry.typescript) return new Worker(entry.url);
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(
    require.resolve('tsx').replace(/loader\.mjs$/, 'esm/api/index.mjs'),
  ).href;
  const code =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.url.href)}); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(code, { eval: true });
}

export class EngineThread {
  private worker: Worker | null = null;
  private readonly listeners = new Set<(message: WorkerMessage) => void>();
  private readonly crashListeners = new Set<(reason: string) => void>();

  constructor(private readonly entry: EngineWorkerEntry) {}

  onMessage(listener: (message: WorkerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when the worker stops unexpectedly. */
  onCrash(listener: (reason: string) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  send(request: WorkerRequest): void {
    this.ensure().postMessage(request);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker(this.entry);
    worker.unref();
    worker.on('message', (message: WorkerMessage) => {
      for (const listener of this.listeners) listener(message);
    });
    const crashed = (reason: string): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const listener of this.crashListeners) listener(reason);
    };
    worker.on('error', (error) => crashed(error.message));
    worker.on('exit', (code) => crashed(`the engine stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  /** True while a worker is running. */
  get running(): boolean {
    return this.worker !== null;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
