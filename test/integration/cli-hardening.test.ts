// Odd files and odd keys at the command line (issue 13): `crisp-import scan` and `run` as real
// processes on real files, against the fake Crisp over loopback. Nothing hangs, nothing crashes
// with a stack trace or "unexpected problem", nothing is dropped or sent that should not be.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { spawnCli } from './reliability-support';

let dir: string;
let stateDir: string;
let crisp: FakeCrisp | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-hardening-'));
  stateDir = join(dir, 'state');
  await mkdir(stateDir);
});
afterEach(async () => {
  await crisp?.close();
  crisp = null;
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ CRISP_IMPORTER_STATE_DIR: stateDir });

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Runs the CLI, killed after `seconds` (a command waiting on a pipe would be). */
async function cli(args: string[], server: FakeCrisp | null = null, seconds = 20) {
  const run = spawnCli(args, server, env());
  const timer = setTimeout(() => run.child.kill('SIGKILL'), seconds * 1000);
  const outcome = await run.done;
  clearTimeout(timer);
  return outcome;
}

function runArgs(server: FakeCrisp, path: string): string[] {
  return ['run', path, '--website', server.websiteId, '--api-url', server.url];
}

function errorOf(outcome: { stdout: string }): { code: string; message: string } {
  return (JSON.parse(outcome.stdout) as { error: { code: string; message: string } }).error;
}

function expectPlain(outcome: { stdout: string; stderr: string }): void {
  const all = outcome.stdout + outcome.stderr;
  expect(all).not.toMatch(/unexpected problem/i);
  expect(all).not.toMatch(/Maximum call stack|\n\s+at .+:\d+:\d+/);
}

describe('files that are not regular files', () => {
  it.skipIf(process.platform === 'win32')(
    'refuses a named pipe at once (scan and run), /dev/zero and a loop of links, naming each',
    async () => {
      const fifo = join(dir, 'contacts.csv');
      execFileSync('mkfifo', [fifo]);
      const loop = join(dir, 'loop.csv');
      await symlink(loop, loop);
      crisp = await startFakeCrisp({});
      const started = performance.now();
      const [scanFifo, runFifo, zero, looped] = await Promise.all([
        cli(['scan', fifo, '--json'], null, 10),
        cli([...runArgs(crisp, fifo), '--state-dir', stateDir, '--json'], crisp, 10),
        cli(['scan', '/dev/zero', '--json'], null, 10),
        cli(['scan', loop, '--json'], null, 10),
      ]);
      expect(performance.now() - started).toBeLessThan(9000); // none of them waited on the pipe
      for (const outcome of [scanFifo, runFifo]) {
        expect(outcome.code, outcome.stderr).toBe(2);
        expect(errorOf(outcome)).toEqual({
          code: 'file_unreadable',
          message: expect.stringMatching(/is a named pipe \(FIFO\)/),
        });
      }
      expect(errorOf(zero).message).toMatch(/\/dev\/zero .* is a device/);
      expect(errorOf(looped).message).toMatch(/symbolic link that leads back to itself/);
      expect(crisp.listProfiles()).toEqual([]);
    },
  );
});

describe('wide files', () => {
  it('answers a header of 200,004 names with the limit, and a row of 200,004 values with an issue', async () => {
    const header = await file('header.csv', `email${',c'.repeat(200_003)}\na@x.com\n`);
    const row = await file('row.csv', `email,name\na@x.com,Ann\nb@x.com${',x'.repeat(200_003)}\n`);
    const [wideHeader, wideRow] = await Promise.all([
      cli(['scan', header, '--json']),
      cli(['scan', row, '--json']),
    ]);
    expect(wideHeader.code).toBe(2);
    expect(errorOf(wideHeader)).toEqual({
      code: 'too_many_columns',
      message: expect.stringContaining(
        'Row 1 has 200,004 columns; this importer reads at most 2,000',
      ),
    });
    expectPlain(wideHeader);
    expect(wideRow.code).toBe(1);
    const report = JSON.parse(wideRow.stdout) as {
      valid: number;
      issues: Array<{ row: number; code: string; message: string }>;
    };
    expect(report.valid).toBe(1);
    expect(report.issues).toContainEqual(
      expect.objectContaining({
        row: 3,
        code: 'too_many_fields',
        message: expect.stringContaining('200,004 values'),
      }),
    );
  });
});

describe('NUL bytes and custom data keys, sent to the fake Crisp', () => {
  it('never sends a row with a NUL after 64 KiB, and sends constructor, toString, __proto__ values under fixed-up keys', async () => {
    crisp = await startFakeCrisp({});
    // 72 KiB of blank rows (skipped, never sent) put the NUL past the 64 KiB sample.
    const blankRows = Array.from({ length: 12_000 }, () => ',,,,,').join('\n');
    const path = await file(
      'contacts.csv',
      [
        'email,data.constructor,data.toString,data.__proto__,data.hasOwnProperty,data.valueOf',
        'keys@example.com,c1,t1,p1,h1,v1',
        'first@example.com,,,,,',
        blankRows,
        'nul@example.com,bad\u0000value,,,,',
        'last@example.com,,,,,',
        '',
      ].join('\n'),
    );
    const outcome = await cli(
      [...runArgs(crisp, path), '--state-dir', stateDir, '--json'],
      crisp,
      60,
    );
    expectPlain(outcome);
    const result = JSON.parse(outcome.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ state: 'completed', created: 3, skipped: 1 });
    expect(result.skippedByCode).toEqual({ nul_byte: 1 });
    expect(crisp.getProfile('nul@example.com')).toBeUndefined();
    expect(crisp.getProfile('last@example.com')).toBeDefined();
    // Every value reached Crisp, under the key the scan shows.
    expect(crisp.getProfile('keys@example.com')?.data).toEqual({
      constructor_field: 'c1',
      to_string: 't1',
      proto: 'p1',
      has_own_property: 'h1',
      value_of: 'v1',
    });
  });
});

describe('failures said plainly', () => {
  it('says a state folder that is a file is not what it should be, with no "unexpected problem"', async () => {
    const path = await file('contacts.csv', 'email\na@example.com\n');
    const notAFolder = await file('state-file', 'x');
    const outcome = await cli(['run', path, '--sandbox', '--state-dir', notAFolder, '--json']);
    expect(outcome.code).toBe(2);
    expectPlain(outcome);
    expect(errorOf(outcome)).toEqual({
      code: 'path_invalid',
      message: expect.stringMatching(/state-file.* is a file, not a folder\. Choose a folder/),
    });
  });
});
