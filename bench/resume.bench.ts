/**
 * Resume at 90% of the 1,000,000-row bench file: the time from "resume" until the first request
 * reaches Crisp (the fake server, over loopback), beside the time of a full parse of the same
 * file in the same run, as a ratio. Floor: under 0.05.
 *
 *   node --import tsx bench/resume.bench.ts [rows]     (npm run bench:resume)
 *
 * The job is set up as a real one left at 90%: created with the file's detection and mapping, its
 * journal holding an outcome for each of the first 90% of the rows (written through RowJournal
 * with its watermarks), and its job.json snapshot a little behind the journal, as after a kill -9,
 * so the resume replays a journal tail too. What the resume does: read job.json, fingerprint the
 * file, take the website lock, open the journal (snapshot + tail), build the sender, seek to the
 * recorded byte offset, read, map and send.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proposeMapping } from '../src/shared/contact-rules';
import { detectCsvFormat, readCsvBatches } from '../src/main/engine/csv-reader';
import { startFakeCrisp } from '../src/main/engine/fake-crisp';
import {
  createEngineParts,
  createImportJob,
  ImportJobRunner,
  ImportJobStore,
  openWebsiteLedger,
  RowJournal,
  RowWatermark,
} from '../src/main/engine/import-jobs';
import { ensureBenchContactsFile } from './generate-contacts-file';

const rows = Number(process.argv[2] ?? 1_000_000);
const FLOOR = 0.05;

const path = await ensureBenchContactsFile(rows);

// 1. A full parse of the file (what a resume without a byte offset would have to redo at least).
const parseStart = performance.now();
const detection = await detectCsvFormat(path);
let parsed = 0;
const resumeIndex = Math.floor(rows * 0.9);
const done: Array<{ row: number; offset: number }> = [];
for await (const batch of readCsvBatches(path, detection)) {
  for (const record of batch) {
    if (parsed < resumeIndex) done.push({ row: record.row, offset: record.offset });
    parsed++;
  }
}
const parseSeconds = (performance.now() - parseStart) / 1000;

// 2. A job left at 90%.
const stateDir = await mkdtemp(join(tmpdir(), 'resume-bench-'));
const crisp = await startFakeCrisp({});
try {
  const store = new ImportJobStore(stateDir);
  const job = await createImportJob(store, {
    filePath: path,
    layout: {
      format: detection.format,
      detected: detection.detected,
      headers: detection.headers,
      dataStartOffset: detection.dataStartOffset,
      dataStartRow: detection.dataStartRow,
      bomLength: detection.bomLength ?? 0,
      ...(detection.modifiedAtMs !== undefined ? { modifiedAtMs: detection.modifiedAtMs } : {}),
    },
    mapping: proposeMapping(detection.headers),
    websiteId: crisp.websiteId,
    apiUrl: crisp.url,
  });
  const setupStart = performance.now();
  const { journal } = await RowJournal.open(store.paths(job.id).journal, null, {
    maxBatchRows: 5000,
  });
  const watermark = new RowWatermark();
  journal.setMarkProvider(() => watermark.current());
  const snapshotAt = done.length - 1000;
  let snapshot = journal.snapshot();
  for (let i = 0; i < done.length; i++) {
    const { row, offset } = done[i]!;
    watermark.register(row, offset);
    void journal
      .append({ t: 'row', row, at: offset, outcome: 'created', peopleId: null, requests: 2 })
      .then(() => watermark.settle(row));
    if (i % 5000 === 4999 || i === done.length - 1) await journal.flush();
    if (i === snapshotAt) {
      await journal.flush();
      snapshot = journal.snapshot();
    }
  }
  await journal.flush();
  await journal.close();
  await store.save({
    ...(await store.load(job.id)),
    state: 'running', // as a process killed while sending leaves it
    startedAt: new Date().toISOString(),
    journal: snapshot,
    counters: snapshot.counters,
  });
  // The change ledger as the run leaves it (it saves every minute and when it stops): opening
  // it folds the journal and saves, so the resume folds only what is new, as after a real kill.
  await openWebsiteLedger({ store, websiteId: crisp.websiteId, apiUrl: crisp.url, writable: true });
  const setupSeconds = (performance.now() - setupStart) / 1000;

  // 3. Resume, and time until the first request reaches the server.
  const connection = { apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token };
  let firstSentAt: number | null = null; // performance.now() when the client started the request
  const runner = new ImportJobRunner({
    store,
    jobId: job.id,
    parts: createEngineParts({
      stateDir,
      connection,
      dailyBudget: 1_000_000,
      // One read per contact: the first request is then the first contact's own, not a search
      // batch that waits up to 1 s for company (a choice of the read plan, not of the resume).
      lookups: 'single',
      observer: (exchange) => {
        if (firstSentAt === null || exchange.startedAt < firstSentAt)
          firstSentAt = exchange.startedAt;
      },
    }),
  });
  // The server logs when each request arrived (wall clock, ms).
  let firstArrivalAt: number | null = null;
  let resumedRow = 0;
  const resumeStart = Date.now();
  const resumeStartPerf = performance.now();
  const off = crisp.onRequest((entry) => {
    if (firstArrivalAt === null) {
      firstArrivalAt = entry.at;
      void runner.pause();
    }
  });
  runner.on('notice', (text) => {
    const m = /at row (\d+)/.exec(text);
    if (m) resumedRow = Number(m[1]);
  });
  const paused = await runner.run();
  off();
  if (firstArrivalAt === null || firstSentAt === null) {
    throw new Error('No request was sent after the resume.');
  }
  const firstRequestMs = (firstSentAt as number) - resumeStartPerf;
  const firstArrivalMs = Math.max(0, (firstArrivalAt as number) - resumeStart);
  const ratio = firstRequestMs / 1000 / parseSeconds;

  const mb = (detection.fileSize / 1e6).toFixed(0);
  console.log(`file: ${path} (${rows.toLocaleString('en')} rows, ${mb} MB)`);
  console.log(
    `full parse:                     ${parseSeconds.toFixed(2)} s (${Math.round(parsed / parseSeconds).toLocaleString('en')} rows/s)`,
  );
  console.log(
    `journal set up at 90%:          ${done.length.toLocaleString('en')} rows in ${setupSeconds.toFixed(2)} s (job.json snapshot 1,000 rows behind)`,
  );
  console.log(
    `resume at row ${resumedRow.toLocaleString('en')}: first request sent after ${firstRequestMs.toFixed(1)} ms, received by the server after ${firstArrivalMs.toFixed(0)} ms (job ${paused.state} after)`,
  );
  console.log(
    `ratio (first request / full parse): ${ratio.toFixed(4)}  floor < ${FLOOR}  ${ratio < FLOOR ? 'OK' : 'ABOVE FLOOR'}`,
  );
  if (ratio >= FLOOR) process.exitCode = 1;
} finally {
  await crisp.close();
  await rm(stateDir, { recursive: true, force: true });
}
