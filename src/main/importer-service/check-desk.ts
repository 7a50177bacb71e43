/**
 * Full-file checks of this session: started in the engine worker, their progress and outcome
 * pushed to the renderer and kept here so a reloaded window finds them. Every issue of a check is
 * written to a CSV in the state folder's `checks/` (cleared at start) for "download the issues".
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CsvEncoding } from '../../shared/csv-format';
import type { CheckStatus, CsvFormatOverrides } from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import { copyFileAtomic } from '../engine/app-settings/output-file';
import type { QuotaToday } from '../engine/contact-scan';
import { IpcFailure } from '../ipc/ipc-failure';
import { deserializeError, type CheckLedger, type WorkerMessage } from './engine-protocol';
import type { EngineThread } from './engine-thread';
import { toIpcFailure } from './engine-errors';
import type { PublishEvent } from './service-ports';
import type { DetectOptions } from '../engine/csv-reader';

const KEPT_CHECKS = 20;

export class CheckDesk {
  private readonly checks = new Map<string, CheckStatus>();
  /** Encodings found by a check reading a whole file (its start misled detection), by file. */
  private readonly encodings = new Map<
    string,
    { encoding: CsvEncoding; note: string; size: number }
  >();
  private readonly folder: string;

  constructor(
    stateDir: string,
    private readonly engine: EngineThread,
    private readonly publish: PublishEvent,
  ) {
    this.folder = join(stateDir, 'checks');
    void rm(this.folder, { recursive: true, force: true }).catch(() => undefined);
    engine.onMessage((message) => this.onWorkerMessage(message));
    engine.onCrash((reason) => this.onWorkerCrash(reason));
  }

  private issuesPath(checkId: string): string {
    return join(this.folder, checkId, 'issues.csv');
  }

  start(input: {
    fileId: string;
    path: string;
    totalBytes: number;
    overrides: CsvFormatOverrides | undefined;
    mapping: ImportMapping;
    requestsPerDay: number;
    quota: QuotaToday | null;
    ledger: CheckLedger | null;
  }): { checkId: string } {
    const checkId = randomUUID();
    this.checks.set(checkId, {
      checkId,
      fileId: input.fileId,
      state: 'running',
      progress: {
        checkId,
        fileId: input.fileId,
        rows: 0,
        bytesRead: 0,
        totalBytes: input.totalBytes,
      },
      report: null,
      error: null,
    });
    this.trim();
    this.engine.send({
      type: 'check:start',
      checkId,
      path: input.path,
      overrides: input.overrides,
      mapping: input.mapping,
      requestsPerDay: input.requestsPerDay,
      quota: input.quota,
      ledger: input.ledger,
      issuesCsvPath: this.issuesPath(checkId),
    });
    return { checkId };
  }

  /**
   * The encoding a check found for this file by reading it whole, as detection options (the
   * preview, the mapping and the import then read the file the same way); none when the file's
   * size changed since.
   */
  encodingFound(fileId: string, sizeBytes: number): DetectOptions {
    const found = this.encodings.get(fileId);
    if (!found || found.size !== sizeBytes) return {};
    return { wholeFileEncoding: { encoding: found.encoding, note: found.note } };
  }

  get(checkId: string): CheckStatus {
    const status = this.checks.get(checkId);
    if (!status)
      throw new IpcFailure('not_found', 'This check is no longer known. Run the check again.');
    return status;
  }

  cancel(checkId: string): CheckStatus {
    const status = this.get(checkId);
    if (status.state === 'running') this.engine.send({ type: 'check:cancel', checkId });
    return status;
  }

  /** Newest first. */
  list(): CheckStatus[] {
    return [...this.checks.values()].reverse();
  }

  async exportIssues(checkId: string, to: string): Promise<void> {
    const status = this.get(checkId);
    if (status.state !== 'completed') {
      throw new IpcFailure(
        'invalid_state',
        'The check has not finished yet. Wait for it to finish, then download the issues.',
      );
    }
    try {
      await copyFileAtomic(this.issuesPath(checkId), to);
    } catch (error) {
      throw toIpcFailure(error);
    }
  }

  private trim(): void {
    while (this.checks.size > KEPT_CHECKS) {
      const oldest = this.checks.keys().next().value as string;
      this.checks.delete(oldest);
      void rm(join(this.folder, oldest), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private onWorkerMessage(message: WorkerMessage): void {
    if (message.type === 'check:progressed') {
      const status = this.checks.get(message.checkId);
      if (!status || status.state !== 'running') return;
      status.progress = {
        checkId: message.checkId,
        fileId: status.fileId,
        rows: message.rows,
        bytesRead: Math.min(message.bytesRead, message.totalBytes),
        totalBytes: message.totalBytes,
      };
      this.publish('check:progressed', status.progress);
    } else if (message.type === 'check:finished') {
      const status = this.checks.get(message.checkId);
      if (!status) return;
      const error = message.error
        ? toIpcFailure(deserializeError(message.error)).toIpcError()
        : null;
      status.state = message.state;
      status.report = message.report;
      const found = message.report?.encodingSwitch;
      if (found) {
        this.encodings.set(status.fileId, {
          encoding: found.encoding,
          note: found.note,
          size: status.progress.totalBytes,
        });
      }
      status.error = error;
      this.publish('check:finished', {
        checkId: status.checkId,
        fileId: status.fileId,
        state: message.state,
        report: message.report,
        error,
      });
    }
  }

  private onWorkerCrash(reason: string): void {
    for (const status of this.checks.values()) {
      if (status.state !== 'running') continue;
      status.state = 'failed';
      status.error = {
        code: 'internal',
        message: `The check stopped unexpectedly (${reason}). Run it again.`,
      };
      this.publish('check:finished', {
        checkId: status.checkId,
        fileId: status.fileId,
        state: 'failed',
        report: null,
        error: status.error,
      });
    }
  }
}
