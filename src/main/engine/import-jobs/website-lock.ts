/**
 * One import sends to a website at a time, whichever process runs it (the CLI, the desktop app,
 * two terminals): a lock file per website in the state folder, and a queue of tickets so that
 * waiting imports go in the order they asked.
 *
 *   <stateDir>/locks/<websiteId>.lock             {pid, host, jobId, since} of the sender
 *   <stateDir>/locks/<websiteId>.queue/<ticket>   one file per waiting import, named by arrival
 *
 * A lock or ticket left by a process that no longer runs (killed, crashed) on this machine is
 * stale and removed by the next import that looks at it.
 */
import { hostname } from 'node:os';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const LockOwner = z.object({
  pid: z.number().int(),
  host: z.string(),
  jobId: z.string(),
  since: z.string(),
});
export type LockOwner = z.infer<typeof LockOwner>;

export interface WebsiteLock {
  readonly websiteId: string;
  readonly jobId: string;
  release(): Promise<void>;
}

export interface AcquireWebsiteLockOptions {
  signal?: AbortSignal;
  /** How often a waiting import looks again. Default 250 ms. */
  pollMs?: number;
  /** Called when the import must wait, with the job that sends (or is ahead in the queue). */
  onWaiting?: (ahead: LockOwner) => void;
}

export class LockWaitAbortedError extends Error {
  readonly code = 'lock_wait_aborted';
  constructor() {
    super('Stopped waiting for the other import on this website.');
  }
}

/** Locks and tickets this process holds right now (`<path>` of each). */
const heldHere = new Set<string>();

function isAlive(owner: LockOwner, path: string): boolean {
  if (owner.host !== hostname()) return true; // cannot tell: assume it runs
  if (owner.pid === process.pid) return heldHere.has(path); // left by an earlier run of this process
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const parsed = LockOwner.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function safeName(websiteId: string): string {
  return websiteId.replace(/[^A-Za-z0-9_-]/g, '_');
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Waits its turn, then holds the website's send lock until `release()`. */
export async function acquireWebsiteLock(
  stateDir: string,
  websiteId: string,
  jobId: string,
  options: AcquireWebsiteLockOptions = {},
): Promise<WebsiteLock> {
  const locksDir = join(stateDir, 'locks');
  const queueDir = join(locksDir, `${safeName(websiteId)}.queue`);
  const lockPath = join(locksDir, `${safeName(websiteId)}.lock`);
  await mkdir(queueDir, { recursive: true });
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    jobId,
    since: new Date().toISOString(),
  };
  const ticketName = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${jobId}.json`;
  const ticketPath = join(queueDir, ticketName);
  await writeFile(ticketPath, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
  heldHere.add(ticketPath);
  const pollMs = options.pollMs ?? 250;
  let lastAhead = '';
  try {
    for (;;) {
      if (options.signal?.aborted) throw new LockWaitAbortedError();
      const ahead = await firstLiveTicket(queueDir);
      if (ahead && ahead.name !== ticketName) {
        notifyWaiting(ahead.owner);
      } else {
        const holder = await tryCreateLock(lockPath, me);
        if (holder === null) {
          heldHere.delete(ticketPath);
          await rm(ticketPath, { force: true });
          return makeLock(lockPath, me, websiteId);
        }
        notifyWaiting(holder);
      }
      await sleep(pollMs, options.signal);
    }
  } catch (error) {
    heldHere.delete(ticketPath);
    await rm(ticketPath, { force: true }).catch(() => undefined);
    throw error;
  }

  function notifyWaiting(owner: LockOwner): void {
    const key = `${owner.jobId}:${owner.pid}`;
    if (key !== lastAhead) {
      lastAhead = key;
      options.onWaiting?.(owner);
    }
  }
}

async function firstLiveTicket(
  queueDir: string,
): Promise<{ name: string; owner: LockOwner } | null> {
  const names = (await readdir(queueDir)).filter((n) => n.endsWith('.json')).sort();
  for (const name of names) {
    const owner = await readOwner(join(queueDir, name));
    if (owner && isAlive(owner, join(queueDir, name))) return { name, owner };
    if (owner) await rm(join(queueDir, name), { force: true }).catch(() => undefined);
  }
  return null;
}

/** Creates the lock file; returns null when taken, else the live holder. */
async function tryCreateLock(lockPath: string, me: LockOwner): Promise<LockOwner | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      heldHere.add(lockPath);
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readOwner(lockPath);
    if (holder && isAlive(holder, lockPath)) return holder;
    if (!holder && (await ageMs(lockPath)) < 2000) {
      // Being written by its creator right now: give it a moment.
      return { pid: -1, host: hostname(), jobId: 'unknown', since: '' };
    }
    // Stale (its process is gone) or unreadable (torn write by a killed process): take it away
    // atomically, so that two importers cleaning at once do not both win.
    const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
    try {
      await rename(lockPath, aside);
      await rm(aside, { force: true });
    } catch {
      // someone else moved it first
    }
  }
  const holder = await readOwner(lockPath);
  return holder ?? { pid: -1, host: hostname(), jobId: 'unknown', since: '' };
}

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function makeLock(lockPath: string, me: LockOwner, websiteId: string): WebsiteLock {
  let released = false;
  return {
    websiteId,
    jobId: me.jobId,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      const holder = await readOwner(lockPath);
      if (holder && holder.pid === me.pid && holder.jobId === me.jobId) {
        await rm(lockPath, { force: true });
      }
      heldHere.delete(lockPath);
    },
  };
}
