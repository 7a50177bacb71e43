import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fingerprintFile,
  compareFingerprints,
  RowJournal,
  RowWatermark,
  writeFailedRowsCsv,
  type RowOutcomeRecord,
} from '../../src/main/engine/import-jobs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-jobs-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const created = (row: number): RowOutcomeRecord => ({
  t: 'row',
  row,
  at: row * 10,
  outcome: 'created',
  peopleId: `p${row}`,
  requests: 1,
});

describe('row journal', () => {
  it('counts only what is durable, and a reopened journal has the same counts', async () => {
    const path = join(dir, 'journal.ndjson');
    const { journal } = await RowJournal.open(path, null);
    const w = new RowWatermark();
    journal.setMarkProvider(() => w.current());
    const rows = [2, 3, 4, 5, 6];
    for (const r of rows) w.register(r, r * 10);
    await Promise.all(
      rows.map((r) =>
        journal
          .append(
            r === 4
              ? { t: 'row', row: r, at: r * 10, outcome: 'updated', peopleId: 'x', requests: 1 }
              : created(r),
          )
          .then(() => w.settle(r)),
      ),
    );
    expect(journal.replayState.counters).toMatchObject({
      read: 5,
      created: 4,
      updated: 1,
      requests: 5,
    });
    await journal.close();
    const again = await RowJournal.open(path, null);
    expect(again.journal.replayState.counters).toMatchObject({ read: 5, created: 4, updated: 1 });
    expect(again.journal.replayState.resumePoint).toEqual({ row: 6, offset: 60 });
    expect(again.journal.isRecorded(6)).toBe(true);
    await again.journal.close();
  });

  it('ignores and cuts a torn last record left by a kill in the middle of a write', async () => {
    const path = join(dir, 'journal.ndjson');
    const { journal } = await RowJournal.open(path, null);
    await Promise.all([journal.append(created(2)), journal.append(created(3))]);
    await journal.close();
    const before = (await stat(path)).size;
    await appendFile(path, '{"t":"row","row":4,"at":40,"outco');
    const { journal: reopened, notes } = await RowJournal.open(path, null);
    expect(reopened.replayState.counters.read).toBe(2);
    expect(reopened.isRecorded(4)).toBe(false);
    expect(notes.join(' ')).toMatch(/incomplete/);
    expect((await stat(path)).size).toBe(before);
    await reopened.append(created(4));
    await reopened.close();
    const text = await readFile(path, 'utf8');
    expect(
      text
        .trim()
        .split('\n')
        .every((line) => JSON.parse(line)),
    ).toBeTruthy();
  });

  it('replays only the tail after a snapshot and reaches the same state as a full replay', async () => {
    const path = join(dir, 'journal.ndjson');
    const { journal } = await RowJournal.open(path, null);
    const w = new RowWatermark();
    journal.setMarkProvider(() => w.current());
    for (let r = 2; r < 200; r++) {
      w.register(r, r * 10);
      void journal
        .append(
          r % 7 === 0
            ? {
                t: 'row',
                row: r,
                at: r * 10,
                outcome: 'skipped',
                code: 'email_invalid',
                reason: 'Bad email.',
                requests: 0,
              }
            : created(r),
        )
        .then(() => w.settle(r));
      if (r === 100) await journal.flush();
    }
    await journal.flush();
    const midSnapshot = journal.snapshot();
    for (let r = 200; r < 300; r++) {
      w.register(r, r * 10);
      void journal.append(created(r)).then(() => w.settle(r));
    }
    await journal.close();
    const fromSnapshot = await RowJournal.open(path, midSnapshot);
    const full = await RowJournal.open(path, null);
    expect(fromSnapshot.journal.snapshot()).toEqual(full.journal.snapshot());
    expect(full.journal.replayState.counters.read).toBe(298);
    expect(full.journal.replayState.skippedByCode.email_invalid).toBe(28);
    await fromSnapshot.journal.close();
    await full.journal.close();
  });
});

describe('file fingerprint', () => {
  it('stays the same for the same file and changes when a byte in the sample changes', async () => {
    const path = join(dir, 'big.csv');
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    await writeFile(path, big);
    const a = await fingerprintFile(path);
    const b = await fingerprintFile(path);
    expect(compareFingerprints(a, b)).toEqual([]);
    big[big.length - 10] = 0x62;
    await writeFile(path, big);
    const c = await fingerprintFile(path);
    expect(compareFingerprints(a, c)).toContain('content');
  });
});

describe('failed rows file', () => {
  it('reports a source that cannot be read any more as an error, leaving no file and no crash', async () => {
    const outPath = join(dir, 'failed-rows.csv');
    const problems = {
      rows: new Map([[3, { at: 40, outcome: 'skipped' as const, reason: 'no email' }]]),
    };
    // The source changed since the job began: reading it fails while the header line is still
    // being written (the --restart of a job whose file was edited).
    const changedSource = (): AsyncIterable<
      { row: number; offset: number; fields: string[] }[]
    > => ({
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error('The file changed since the import began.')),
      }),
    });
    await expect(
      writeFailedRowsCsv({
        outPath,
        problems,
        headers: ['email', 'name'],
        delimiter: ',',
        withBom: false,
        readRows: () => changedSource(),
      }),
    ).rejects.toThrow('The file changed');
    // Give a write still in flight time to finish on the destroyed stream.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(stat(outPath)).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.includes('failed-rows'))).toEqual([]);
  });
});
