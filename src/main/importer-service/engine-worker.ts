/**
 * The engine's worker thread: the full-file check, the import jobs and the mapping proposals run
 * here, so the main
 * process's event loop (and the window) never waits on a 1 GB file. Talks to engine-thread.ts
 * through the messages of engine-protocol.ts.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { IssuesCsvWriter } from '../engine/contact-scan';
import { runFullCheck } from './full-file-check';
import { serializeError, type WorkerMessage, type WorkerRequest } from './engine-protocol';
import { JobRuns } from './job-runs';
import { computeMappingProposal, serializeProposalError } from './mapping-proposals';

const port = parentPort;
if (!port) throw new Error('engine-worker.ts must run in a worker thread');
const post = (message: WorkerMessage): void => port.postMessage(message);

const checks = new Map<string, AbortController>();
const jobs = new JobRuns(post);

async function startCheck(request: Extract<WorkerRequest, { type: 'check:start' }>): Promise<void> {
  const controller = new AbortController();
  checks.set(request.checkId, controller);
  let issuesCsv: IssuesCsvWriter | null = null;
  try {
    await mkdir(dirname(request.issuesCsvPath), { recursive: true });
    issuesCsv = await IssuesCsvWriter.create(request.issuesCsvPath);
    const report = await runFullCheck({
      path: request.path,
      overrides: request.overrides,
      mapping: request.mapping,
      requestsPerDay: request.requestsPerDay,
      quota: request.quota,
      ledger: request.ledger,
      signal: controller.signal,
      onProgress: (p) => post({ type: 'check:progressed', checkId: request.checkId, ...p }),
      issueSink: issuesCsv,
    });
    await issuesCsv.close();
    post({
      type: 'check:finished',
      checkId: request.checkId,
      state: controller.signal.aborted ? 'cancelled' : 'completed',
      report: controller.signal.aborted ? null : report,
      error: null,
    });
  } catch (error) {
    await issuesCsv?.discard();
    post({
      type: 'check:finished',
      checkId: request.checkId,
      state: controller.signal.aborted ? 'cancelled' : 'failed',
      report: null,
      error: controller.signal.aborted ? null : serializeError(error),
    });
  } finally {
    checks.delete(request.checkId);
  }
}

port.on('message', (request: WorkerRequest) => {
  switch (request.type) {
    case 'check:start':
      void startCheck(request);
      break;
    case 'check:cancel':
      checks.get(request.checkId)?.abort();
      break;
    case 'job:run':
      jobs.run(request.jobId, request.settings, request.retryFailed === true);
      break;
    case 'job:pause':
      jobs.pause(request.jobId);
      break;
    case 'job:cancel':
      jobs.cancel(request.jobId);
      break;
    case 'mapping:propose': {
      const { requestId, ...proposal } = request;
      computeMappingProposal(proposal).then(
        (result) => post({ type: 'mapping:proposed', requestId, result, error: null }),
        (error: unknown) =>
          post({
            type: 'mapping:proposed',
            requestId,
            result: null,
            error: serializeProposalError(error),
          }),
      );
      break;
    }
  }
});
