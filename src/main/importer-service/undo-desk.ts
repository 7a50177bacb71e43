/**
 * The app's undo of an import (channels `undo:preview`, `undo:start`, `undo:get`, event
 * `undo:progressed`): the engine's undo job (../engine/import-undo) run in the main process
 * (it waits on the network, it computes little), one at a time per import. The connection is the
 * app's saved one for the job's website (its key from the keychain, never the renderer's).
 */
import type { UndoPreview, UndoStatus } from '../../shared/ipc-contract';
import type { CrispConnection } from '../engine/crisp-client';
import { ImportJobStore, JobNotFoundError, UnreadableJobError } from '../engine/import-jobs';
import {
  isSettled,
  planUndo,
  runUndo,
  undoPaths,
  UndoRecord,
  UndoSummary,
} from '../engine/import-undo';
import { readDurableLines } from '../engine/import-undo/durable-lines';
import { readJsonFile } from '../engine/app-settings/json-file';
import { IpcFailure } from '../ipc/ipc-failure';
import type { PublishEvent } from './service-ports';

export interface UndoDeskOptions {
  stateDir: string;
  publish: PublishEvent;
  /** The saved connection (with its key) of a website. */
  connectionFor: (websiteId: string) => Promise<CrispConnection>;
}

interface LiveUndo {
  status: UndoStatus;
  stop: AbortController;
  lastPublished: number;
}

export class UndoDesk {
  private readonly store: ImportJobStore;
  private readonly live = new Map<string, LiveUndo>();

  constructor(private readonly options: UndoDeskOptions) {
    this.store = new ImportJobStore(options.stateDir);
  }

  async preview(jobId: string): Promise<UndoPreview> {
    const job = await this.load(jobId);
    const paths = this.store.paths(jobId);
    const plan = await planUndo(job, paths.dir, paths.journal);
    const settled = await this.settledKeys(paths.dir);
    let deletes = 0;
    let restores = 0;
    let alreadyDone = 0;
    for (const target of plan.targets) {
      if (settled.has(target.key)) alreadyDone += 1;
      else if (target.action === 'delete') deletes += 1;
      else restores += 1;
    }
    return {
      jobId,
      deletes,
      restores,
      cannotRestore: plan.cannotRestore,
      alreadyDone,
      undoable: plan.undoable,
      requests: deletes * (plan.undoable ? 3 : 2) + restores * 4,
    };
  }

  async start(jobId: string, overwriteChanged: boolean): Promise<UndoStatus> {
    const running = this.live.get(jobId);
    if (running) return running.status;
    const job = await this.load(jobId);
    const connection = await this.options.connectionFor(job.websiteId);
    const live: LiveUndo = {
      status: { jobId, state: 'running', done: 0, total: 0, requests: 0, result: null },
      stop: new AbortController(),
      lastPublished: 0,
    };
    this.live.set(jobId, live);
    this.publish(live, true);
    void runUndo({
      store: this.store,
      jobId,
      connection,
      overwriteChanged,
      signal: live.stop.signal,
      onProgress: (p) => {
        live.status = { ...live.status, done: p.done, total: p.total, requests: p.requests };
        this.publish(live, false);
      },
    })
      .then((summary) => {
        live.status = statusOf(jobId, summary);
      })
      .catch((error: unknown) => {
        live.status = {
          ...live.status,
          state: 'paused',
          result: {
            ...emptyResult(),
            problem: error instanceof Error ? error.message : String(error),
          },
        };
      })
      .finally(() => {
        this.live.delete(jobId);
        this.publish(live, true);
      });
    return live.status;
  }

  async get(jobId: string): Promise<UndoStatus> {
    const running = this.live.get(jobId);
    if (running) return running.status;
    await this.load(jobId);
    const saved = await readJsonFile(undoPaths(this.store.paths(jobId).dir).summary, UndoSummary);
    if (!saved.ok) {
      return { jobId, state: 'not_started', done: 0, total: 0, requests: 0, result: null };
    }
    return statusOf(jobId, saved.value);
  }

  /** Pauses running undos (the app quits): run again to continue. */
  stopAll(): void {
    for (const live of this.live.values()) live.stop.abort();
  }

  private publish(live: LiveUndo, always: boolean): void {
    const now = Date.now();
    if (!always && now - live.lastPublished < 100) return;
    live.lastPublished = now;
    this.options.publish('undo:progressed', live.status);
  }

  private async settledKeys(jobDir: string): Promise<Set<string>> {
    const last = new Map<string, UndoRecord>();
    for (const record of await readDurableLines(undoPaths(jobDir).journal, UndoRecord))
      last.set(record.key, record);
    const settled = new Set<string>();
    for (const [key, record] of last) if (isSettled(record.outcome, false)) settled.add(key);
    return settled;
  }

  private async load(jobId: string) {
    try {
      return await this.store.load(jobId);
    } catch (error) {
      if (error instanceof JobNotFoundError || error instanceof UnreadableJobError)
        throw new IpcFailure('not_found', error.message);
      throw error;
    }
  }
}

function emptyResult(): NonNullable<UndoStatus['result']> {
  return {
    deleted: 0,
    restored: 0,
    alreadyUndone: 0,
    changedSince: 0,
    failed: 0,
    cannotRestore: 0,
    pending: 0,
    changed: [],
    problem: null,
  };
}

function statusOf(jobId: string, summary: UndoSummary): UndoStatus {
  return {
    jobId,
    state: summary.state,
    done: summary.profiles - summary.pending,
    total: summary.profiles,
    requests: summary.requests,
    result: {
      deleted: summary.deleted,
      restored: summary.restored,
      alreadyUndone: summary.alreadyUndone,
      changedSince: summary.changedSince,
      failed: summary.failed,
      cannotRestore: summary.cannotRestore,
      pending: summary.pending,
      changed: summary.changed.map((c) => c.email ?? c.peopleId ?? '').filter((e) => e !== ''),
      problem: summary.problem?.message ?? null,
    },
  };
}
