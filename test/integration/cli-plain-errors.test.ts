// Errors reach the person in plain words, never as "unexpected problem: ENOTDIR: scandir …":
// a state folder that is a file, a full disk, a bug (said as one, with what to do). Custom data
// keys that every JavaScript object already has (`constructor`, `__proto__`, `toString`) are
// imported under a fixed-up key, said, instead of being dropped silently.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/plain-failure';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { validateMapping } from '../../src/shared/contact-rules';
import type { ImportMapping } from '../../src/shared/column-mapping';
import { spawnCli } from './reliability-support';

let dir: string;
let crisp: FakeCrisp;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-plain-errors-'));
  crisp = await startFakeCrisp({});
});
afterEach(async () => {
  await crisp.close();
  await rm(dir, { recursive: true, force: true });
});

function runArgs(file: string, stateDir: string, json = true): string[] {
  return [
    'run',
    file,
    '--website',
    crisp.websiteId,
    '--api-url',
    crisp.url,
    '--state-dir',
    stateDir,
    ...(json ? ['--json'] : []),
  ];
}

describe('errors in plain words', () => {
  it('a state folder that is a file is named, with what to do', async () => {
    const file = join(dir, 'one.csv');
    await writeFile(file, 'email\na@example.com\n');
    const notAFolder = join(dir, 'state-is-a-file');
    await writeFile(notAFolder, 'x');
    const run = await spawnCli(runArgs(file, notAFolder), crisp).done;
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stdout).error;
    expect(error.code).toBe('path_invalid');
    expect(error.message).toMatch(
      new RegExp(`A part of the path ${notAFolder}\\S* is a file, not a folder\\..*--state-dir`),
    );
    expect(run.stderr).not.toMatch(/unexpected problem|ENOTDIR|scandir/i);
  });

  it('system errors and bugs are said plainly, with a stable code', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
      path: '/data/state/jobs/x/job.json',
    });
    expect(describeFailure(full)).toMatchObject({
      code: 'disk_full',
      message: expect.stringMatching(
        /^The disk is full: crisp-import could not write \/data\/state\/jobs\/x\/job\.json\. Free some space, then run the same command again/,
      ),
    });
    const bug = describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(bug.code).toBe('unexpected');
    expect(bug.message).not.toMatch(/^unexpected problem/i);
    expect(bug.message).toMatch(/a bug: Cannot read .*run the same command again.*report it/);
  });
});

describe('custom data keys every JavaScript object has', () => {
  it('are imported under a fixed-up key, said, never dropped', async () => {
    const file = join(dir, 'keys.csv');
    await writeFile(
      file,
      'email,data.constructor,data.__proto__,data.toString\na@example.com,c1,p1,t1\n',
    );
    const run = await spawnCli(runArgs(file, join(dir, 'state'), false), crisp).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(
      /“data\.constructor” is imported as custom data “constructor_field”: “constructor” is a reserved name/,
    );
    expect(crisp.getProfile('a@example.com')?.data).toEqual({
      constructor_field: 'c1',
      proto: 'p1',
      to_string: 't1',
    });
  });

  it('a mapping that names one as it is is refused, with the key to use', () => {
    const mapping: ImportMapping = {
      version: 1,
      columns: [
        { column: 'email', index: 0, target: { kind: 'field', field: 'email' } },
        { column: 'maker', index: 1, target: { kind: 'data', key: 'constructor' } },
        { column: 'proto', index: 2, target: { kind: 'data', key: '__proto__' } },
      ],
    } as ImportMapping;
    const issues = validateMapping(mapping, ['email', 'maker', 'proto']);
    expect(issues.filter((i) => i.code === 'data_key_invalid')).toEqual([
      expect.objectContaining({
        column: 'maker',
        severity: 'error',
        suggestion: 'constructor_field',
        message: expect.stringMatching(
          /“constructor” is a reserved name .*Use “constructor_field”/,
        ),
      }),
      expect.objectContaining({ column: 'proto', severity: 'error', suggestion: 'proto' }),
    ]);
  });
});
