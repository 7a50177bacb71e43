/**
 * Import jobs running in the engine worker: one ImportJobRunner per job, its state and progress
 * forwarded to the main side. Pause and cancel reach the runner; a run that ends says how.
 */
import { ImportJobRunner, ImportJobStore, type ImportJobParts } from '../engine/import-jobs';
import { serializeError, type JobRunSettings, type WorkerMessage } from './engine-protocol';
import { engineJobParts } from './job-parts';

export class JobRuns {
  private readonly runners = new Map<string, ImportJobRunner>();

  constructor(private readonly post: (message: WorkerMessage) => void) {}

  /** `retryFailed`: only the job's failed rows that can pass are sent again (a completed job). */
  run(jobId: string, settings: JobRunSettings, retryFailed = false): void {
    if (this.runners.has(jobId)) return;
    const store = new ImportJobStore(settings.stateDir);
    let parts: ImportJobParts;
    try {
      parts = engineJobParts(settings);
    } catch (error) {
      this.post({ type: 'job:ended', jobId, record: null, error: serializeError(error) });
      return;
    }
    const runner = new ImportJobRunner({
      store,
      jobId,
      parts,
      secrets: [settings.connection.key],
      retryFailed,
    });
    this.runners.set(jobId, runner);
    runner.on('state', (event) => this.post({ type: 'job:state', event }));
    runner.on('progress', (progress) => this.post({ type: 'job:progress', progress }));
    runner.on('notice', (text) => this.post({ type: 'job:notice', jobId, text }));
    runner.run().then(
      (record) => {
        this.runners.delete(jobId);
        this.post({ type: 'job:ended', jobId, record, error: null });
      },
      (error: unknown) => {
        this.runners.delete(jobId);
        this.post({ type: 'job:ended', jobId, record: null, error: serializeError(error) });
      },
    );
  }

  pause(jobId: string): void {
    void this.runners.get(jobId)?.pause();
  }

  cancel(jobId: string): void {
    void this.runners.get(jobId)?.cancel();
  }
}
