// "A finished job always has its report": job.json says `completed` only once summary.json and
// failed-rows.csv exist. A report that cannot be written (a write failing as on a full disk)
// leaves the job paused, and resuming writes it without sending anything again; what a kill -9
// leaves at any instant of the end (job.json still `running`, or `completed` from an older
// version with no report, stray temporary files) ends with the report and nothing sent twice;
// the same `run` command on a finished job says so, sends nothing, and offers --restart.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectCsvFormat } from '../../src/main/engine/csv-reader';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  createEngineParts,
  createImportJob,
  ImportJobRunner,
  ImportJobStore,
  type ImportJobRecord,
} from '../../src/main/engine/import-jobs';
import { proposeMappingForHeaders } from '../../src/main/engine/presets';
import { spawnCli } from './reliability-support';

let dir: string;
let crisp: FakeCrisp;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reliability-report-'));
  crisp = await startFakeCrisp({});
});
afterEach(async () => {
  await crisp.close();
  await rm(dir, { recursive: true, force: true });
});

/** 30 contacts and 2 rows that cannot be imported (so there is a failed rows file). */
async function contactsFile(): Promise<string> {
  const lines = ['email,first_name,last_name'];
  for (let i = 0; i < 30; i++) lines.push(`r${i}@example.com,Row,${i}`);
  lines.push('not-an-email,Broken,One', ',No,Email');
  const path = join(dir, 'contacts.csv');
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

async function newJob(store: ImportJobStore, filePath: string): Promise<ImportJobRecord> {
  const detection = await detectCsvFormat(filePath, {});
  return createImportJob(store, {
    filePath,
    layout: {
      format: detection.format,
      headers: detection.headers,
      dataStartOffset: detection.dataStartOffset,
      dataStartRow: detection.dataStartRow,
      bomLength: detection.bomLength ?? 0,
    },
    // The mapping `crisp-import run` proposes (no saved preset): the CLI finds this job again.
    mapping: proposeMappingForHeaders(detection.headers, []).mapping,
    websiteId: crisp.websiteId,
    apiUrl: crisp.url,
  });
}

function runner(store: ImportJobStore, jobId: string): ImportJobRunner {
  return new ImportJobRunner({
    store,
    jobId,
    parts: createEngineParts({
      stateDir: store.stateDir,
      connection: { apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token },
      initialRate: 5_000,
      dailyBudget: 1_000_000,
      lookups: 'single',
    }),
  });
}

const writes = (): number => crisp.requestLog().filter((e) => e.method !== 'GET').length;

/** Files a crash or a failed write leaves: `.name.<pid>.<random>.tmp`, `.name.<pid>.tmp`. */
async function temporaryFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => /\.tmp$|\.partial$/.test(name));
}

describe('a finished job always has its report', () => {
  for (const broken of ['failed-rows.csv', 'summary.json'] as const) {
    it(`stays paused when ${broken} cannot be written, then writes it without sending again`, async () => {
      const store = new ImportJobStore(join(dir, 'state'));
      const job = await newJob(store, await contactsFile());
      const paths = store.paths(job.id);
      // A write that fails at the last step, as on a full disk: the rename over the report
      // cannot replace a folder that holds a file.
      const blocker = broken === 'summary.json' ? paths.summary : paths.failedRows;
      await mkdir(join(blocker, 'in-the-way'), { recursive: true });

      const first = await runner(store, job.id).run();
      expect(first.state).toBe('paused');
      expect(first.problem?.code).toBe('report_unwritable');
      expect(first.stateMessage).toMatch(/report could not be written.*nothing is sent again/);
      expect((await store.load(job.id)).state).toBe('paused');
      expect(await temporaryFiles(paths.dir)).toEqual([]);
      const sent = writes();
      expect(sent).toBeGreaterThanOrEqual(30);

      await rm(blocker, { recursive: true });
      const second = await runner(store, job.id).run();
      expect(second.state).toBe('completed');
      expect(second.counters).toMatchObject({ created: 30, skipped: 2, failed: 0 });
      expect(writes()).toBe(sent);
      const summary = JSON.parse(await readFile(paths.summary, 'utf8'));
      expect(summary).toMatchObject({ state: 'completed', failedRowsFile: paths.failedRows });
      expect(await readFile(paths.failedRows, 'utf8')).toContain('not-an-email');
      expect(await temporaryFiles(paths.dir)).toEqual([]);
    });
  }
});

describe('what a kill -9 at the end of a run leaves, and the same command run again', () => {
  it('resumes a job killed after its report, before job.json said so, sending nothing', async () => {
    const store = new ImportJobStore(join(dir, 'state'));
    const job = await newJob(store, await contactsFile());
    const completed = await runner(store, job.id).run();
    expect(completed.state).toBe('completed');
    const sent = writes();
    await store.save({ ...completed, state: 'running', finishedAt: null });
    const resumed = await runner(store, job.id).run();
    expect(resumed).toMatchObject({ state: 'completed', counters: completed.counters });
    expect(writes()).toBe(sent);
  });

  it('finishes a report left missing, removes stray files, sends nothing, offers --restart', async () => {
    const file = await contactsFile();
    const stateDir = join(dir, 'state');
    const store = new ImportJobStore(stateDir);
    const job = await newJob(store, file);
    expect((await runner(store, job.id).run()).state).toBe('completed');
    const paths = store.paths(job.id);
    const sent = writes();
    // What a kill leaves while an older version wrote the report after job.json said
    // completed: no report, and a temporary file of each kind a dead process leaves.
    await rm(paths.summary);
    await rm(paths.failedRows);
    const dead = 2 ** 22 + 12_345; // above Linux's pid_max: no such process
    await writeFile(join(paths.dir, `.failed-rows.csv.${dead}.tmp`), 'half a file');
    await writeFile(join(paths.dir, `.summary.json.${dead}.0123456789abcdef.tmp`), '{"half');

    const args = [
      'run',
      file,
      '--website',
      crisp.websiteId,
      '--api-url',
      crisp.url,
      '--state-dir',
      stateDir,
    ];
    const again = await spawnCli([...args, '--json'], crisp).done;
    expect(again.code, again.stderr).toBe(4);
    const answer = JSON.parse(again.stdout);
    expect(answer).toMatchObject({
      job: job.id,
      state: 'completed',
      alreadyFinished: true,
      created: 30,
      skipped: 2,
      failedRowsFile: paths.failedRows,
    });
    expect(answer.restartCommand).toMatch(/crisp-import run .* --restart$/);
    expect(writes()).toBe(sent);
    expect(JSON.parse(await readFile(paths.summary, 'utf8'))).toMatchObject({
      state: 'completed',
      failedRowsFile: paths.failedRows,
    });
    expect(await readFile(paths.failedRows, 'utf8')).toContain('not-an-email');
    expect(await temporaryFiles(paths.dir)).toEqual([]);

    // In words, without --json.
    const words = await spawnCli(args, crisp).done;
    expect(words.code).toBe(4);
    expect(words.stdout).toMatch(/already imported to this website by import \S+/);
    expect(words.stdout).toMatch(/Nothing was sent\./);
    expect(words.stdout).toMatch(
      /To import it again, add --restart: npx crisp-import run .*--restart/,
    );
    expect(writes()).toBe(sent);

    // Opening the job (jobs show) writes a missing report again too.
    await rm(paths.failedRows);
    await rm(paths.summary);
    const show = await spawnCli(['jobs', 'show', job.id, '--state-dir', stateDir, '--json'], null)
      .done;
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      summaryFile: paths.summary,
      failedRowsFile: paths.failedRows,
    });
    expect(await readFile(paths.failedRows, 'utf8')).toContain('not-an-email');

    // --restart imports the file again as a new job; the completed one stays as it was.
    const restarted = await spawnCli([...args, '--restart', '--json'], crisp).done;
    expect(restarted.code, restarted.stderr).toBe(1);
    expect(JSON.parse(restarted.stdout)).toMatchObject({ state: 'completed', rows: 32 });
    const { jobs } = await store.list();
    expect(jobs.map((j) => j.state)).toEqual(['completed', 'completed']);
  }, 30_000);
});
