// A file that changes while it is imported (300 rows appended while `crisp-import run` sends it
// to a slow fake Crisp) is refused as a changed file is refused at resume: the run stops, says so
// plainly, and loses nothing it already sent. (--restart on a changed file: cli-run.)
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  assertJobFileUnchanged,
  ImportJobStore,
  readJournalRows,
} from '../../src/main/engine/import-jobs';
import { spawnCli } from './reliability-support';

let dir: string;
let crisp: FakeCrisp;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-changes-'));
  // Slow: every answer takes 40 ms (the write is applied at once).
  crisp = await startFakeCrisp({ faults: { slowRate: 1, slowMs: 40 } });
});
afterEach(async () => {
  await crisp.close();
  await rm(dir, { recursive: true, force: true });
});

function rows(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `c${i}@example.com,Contact ${i}\n`;
  return text;
}

describe('a file that changes during a run', () => {
  it('stops the run with file_changed and keeps what was sent', async () => {
    const file = join(dir, 'growing.csv');
    await writeFile(file, 'email,full_name\n' + rows(0, 150));
    const stateDir = join(dir, 'state');
    const args = [
      'run',
      file,
      '--website',
      crisp.websiteId,
      '--api-url',
      crisp.url,
      '--state-dir',
      stateDir,
      '--initial-rate',
      '2000',
      '--json',
    ];
    const run = spawnCli(args, crisp);
    let requests = 0;
    const off = crisp.onRequest(() => {
      // 300 rows appended while the first rows are being sent.
      if (++requests === 10) appendFileSync(file, rows(150, 300));
    });
    const stopped = await run.done;
    off();
    expect(stopped.code, stopped.stderr).toBe(2);
    const error = JSON.parse(stopped.stdout).error;
    expect(error.code).toBe('file_changed');
    expect(error.message).toMatch(
      /growing\.csv changed \(its size went from \d+ to \d+ bytes.*\) while import \S+ was reading it, so the import stopped.*What was sent stays done.*--restart/,
    );
    expect(stopped.stderr).toContain('while import');

    // Nothing sent is lost: every row the journal says was sent is in Crisp, and the job waits
    // (paused, file_changed) instead of saying it completed.
    const store = new ImportJobStore(stateDir);
    const [job] = (await store.list()).jobs;
    expect(job).toMatchObject({ state: 'paused', problem: { code: 'file_changed' } });
    let recorded = 0;
    for await (const record of readJournalRows(store.paths(job!.id).journal)) {
      if (record.outcome !== 'created' && record.outcome !== 'updated') continue;
      recorded++;
      expect(crisp.getProfile(`c${record.row - 2}@example.com`), `row ${record.row}`).toBeDefined();
    }
    expect(recorded).toBeGreaterThan(0);

    // Run again, it is refused as at any resume of a changed file (cli-run tests that refusal).
    await expect(assertJobFileUnchanged(job!)).rejects.toThrow(/changed since import/);
  }, 15_000);
});
