/**
 * An import run in this process with the real engine parts (the CSV reader, the mapper, the
 * Crisp sender over loopback against the fake Crisp), as the CLI's `run` does it, without the
 * cost of starting a process: for tests that run many imports.
 */
import { proposeMapping } from '../../src/shared/contact-rules';
import { detectCsvFormat } from '../../src/main/engine/csv-reader';
import type { FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  createEngineParts,
  createImportJob,
  ImportJobRunner,
  ImportJobStore,
  type ImportJobRecord,
  type ImportJobRunnerOptions,
} from '../../src/main/engine/import-jobs';

export interface InProcessImport {
  job: ImportJobRecord;
  /** Requests the fake server saw during the import. */
  requests: number;
}

export async function importInProcess(
  crisp: FakeCrisp,
  stateDir: string,
  filePath: string,
  options: { sendAll?: boolean; runner?: Partial<ImportJobRunnerOptions> } = {},
): Promise<InProcessImport> {
  const detection = await detectCsvFormat(filePath, {});
  const store = new ImportJobStore(stateDir);
  const job = await createImportJob(store, {
    filePath,
    layout: {
      format: detection.format,
      headers: detection.headers,
      dataStartOffset: detection.dataStartOffset,
      dataStartRow: detection.dataStartRow,
      bomLength: detection.bomLength ?? 0,
    },
    mapping: proposeMapping(detection.headers),
    websiteId: crisp.websiteId,
    apiUrl: crisp.url,
    options: { sendAll: options.sendAll === true },
  });
  const before = crisp.requestLog().length;
  const runner = new ImportJobRunner({
    store,
    jobId: job.id,
    parts: createEngineParts({
      stateDir,
      connection: { apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token },
      initialRate: 5_000,
      dailyBudget: 10_000_000,
    }),
    journal: { unsafeNoSync: true },
    ...options.runner,
  });
  const done = await runner.run();
  return { job: done, requests: crisp.requestLog().length - before };
}
