// Every file the app writes is written through a temporary file created exclusively (random
// name, O_EXCL, O_NOFOLLOW) beside its target and renamed over it: a symlink planted at the
// temporary name a writer used to choose, or at the target itself, is never followed, so the
// file it points to is never written. Append-only files (the log, the journal) refuse a symlink.
import { lstat, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  copyFileAtomic,
  OutputFileWriter,
  writeJsonFileAtomic,
} from '../../src/main/engine/app-settings';
import { IssuesCsvWriter } from '../../src/main/engine/contact-scan';
import {
  ImportLog,
  RowJournal,
  writeFailedRowsCsv,
  type JournalProblems,
} from '../../src/main/engine/import-jobs';

const skipOnWindows = process.platform === 'win32';

let dir: string;
let victim: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'output-files-'));
  victim = join(dir, 'victim.txt');
  await writeFile(victim, 'precious\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectVictimUntouched(): Promise<void> {
  expect(await readFile(victim, 'utf8')).toBe('precious\n');
}

async function expectRegularFile(path: string): Promise<void> {
  expect((await lstat(path)).isSymbolicLink(), `${path} is still a symlink`).toBe(false);
}

describe.skipIf(skipOnWindows)('planted symlinks are never followed', () => {
  it('--issues-csv: neither at the temporary name it used to choose nor at the target', async () => {
    const target = join(dir, 'issues.csv');
    await symlink(victim, `${target}.${process.pid}.partial`);
    await symlink(victim, target);
    const writer = await IssuesCsvWriter.create(target);
    writer.write({ row: 2, severity: 'error', code: 'email_invalid', message: 'Not an email.' });
    await writer.close();
    await expectVictimUntouched();
    await expectRegularFile(target);
    expect(await readFile(target, 'utf8')).toContain('email_invalid');
    expect((await stat(target)).mode & 0o077).toBe(0);
  });

  it('failed-rows.csv: not at the temporary name it used to choose', async () => {
    const target = join(dir, 'failed-rows.csv');
    await symlink(victim, join(dir, `.failed-rows.csv.${process.pid}.tmp`));
    const problems: JournalProblems = {
      rows: new Map([[2, { at: 6, outcome: 'skipped', reason: 'No email.' }]]),
    };
    await writeFailedRowsCsv({
      outPath: target,
      problems,
      headers: ['email'],
      delimiter: ',',
      withBom: false,
      readRows: async function* () {
        yield [{ row: 2, offset: 6, fields: [''] }];
      },
    });
    await expectVictimUntouched();
    expect(await readFile(target, 'utf8')).toContain('No email.');
  });

  it('JSON files and copies replace a symlink at the target instead of writing through it', async () => {
    const json = join(dir, 'job.json');
    await symlink(victim, json);
    await writeJsonFileAtomic(json, { ok: true });
    await expectRegularFile(json);
    const copy = join(dir, 'saved.csv');
    await symlink(victim, copy);
    await copyFileAtomic(json, copy);
    await expectRegularFile(copy);
    expect(JSON.parse(await readFile(copy, 'utf8'))).toEqual({ ok: true });
    await expectVictimUntouched();
  });

  it('temporary files get a new random name each time and are gone after the write', async () => {
    const target = join(dir, 'report.csv');
    const first = await OutputFileWriter.open(target);
    const second = await OutputFileWriter.open(target);
    expect(first.temporaryPath).not.toBe(second.temporaryPath);
    expect(first.temporaryPath).toMatch(/\/\.report\.csv\.\d+\.[0-9a-f]{16}\.tmp$/);
    await first.write('a\n');
    await second.discard();
    await first.commit();
    expect(await readdir(dir)).toEqual(['report.csv', 'victim.txt']);
  });

  it('a target that is a pipe, or a link to one, is refused, never replaced by a file', async () => {
    // (Renaming over /dev/stdout or /dev/full would replace the device itself when run as root.)
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const link = join(dir, 'link-to-pipe');
    await symlink(fifo, link);
    for (const target of [fifo, link]) {
      await expect(IssuesCsvWriter.create(target)).rejects.toThrow(
        /cannot be created: it is a pipe \(FIFO\), not a plain file: choose a file name in a folder/,
      );
      await expect(writeJsonFileAtomic(target, {})).rejects.toThrow(/not a plain file/);
    }
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['link-to-pipe', 'pipe', 'victim.txt']);
  });

  it('the log and the journal are not written through a symlink', async () => {
    const logPath = join(dir, 'import.log');
    await symlink(victim, logPath);
    const log = new ImportLog(logPath);
    log.info('hello');
    await log.flush();
    await expectVictimUntouched();
    const journalPath = join(dir, 'journal.ndjson');
    await symlink(victim, journalPath);
    await expect(RowJournal.open(journalPath, null)).rejects.toThrow();
    await expectVictimUntouched();
  });
});
