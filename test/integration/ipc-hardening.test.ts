// The renderer can only reach what the person chose (issue 13), tested on the real handler layer
// and service in Node, with a hostile sender: a renderer that asks for /etc/shadow by path, job
// ids that climb out of the state folder, a file 100,000 columns wide for the mapping proposal.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImporterApi, type DroppedFile } from '../../src/shared/importer-bridge';
import { ImportJobStore } from '../../src/main/engine/import-jobs';
import { startIpcHarness, type IpcHarness } from './ipc-support';

let harness: IpcHarness;
beforeEach(async () => {
  harness = await startIpcHarness();
});
afterEach(async () => {
  await harness.close();
});

type Answer =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

function refusal(answer: unknown): { code: string; message: string } {
  const result = answer as Answer;
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}

async function registeredFiles(): Promise<unknown[]> {
  const state = (await harness.call('app:state')) as { ok: true; value: { files: unknown[] } };
  return state.value.files;
}

/** The real bridge over the handler layer; dropped Files resolve through `paths` (webUtils). */
function bridgeWith(paths: Map<string, string>) {
  return createImporterApi({
    invoke: (channel, payload) => harness.call(channel, payload),
    subscribe: () => () => undefined,
    pathForDroppedFile: (file) => paths.get(file.name) ?? '',
  });
}

describe('file:dropped from a hostile sender', () => {
  it('refuses /etc/passwd and /etc/shadow asked for by path, and reads nothing of them', async () => {
    for (const path of ['/etc/passwd', '/etc/shadow']) {
      // A path alone does not even fit the contract.
      expect(refusal(await harness.call('file:dropped', { path })).code).toBe('invalid_input');
      // With a made-up proof (the right size, guessed bytes), it is refused as not dropped.
      const size = await stat(path).then(
        (s) => s.size,
        () => 100,
      );
      const guessed = Buffer.from('root:x:0:0:root:/root:/bin/bash\n').toString('base64');
      for (const proof of [
        { size, head: '', tail: '' },
        { size, head: guessed, tail: '' },
      ]) {
        const answer = refusal(await harness.call('file:dropped', { path, ...proof }));
        expect(answer.code).toBe('file_unreadable');
        expect(answer.message).not.toContain('root:');
      }
    }
    expect(await registeredFiles()).toEqual([]);
  });

  it('refuses a File whose bytes are not those of the path it claims', async () => {
    const secret = join(harness.stateDir, 'secret.csv');
    await writeFile(secret, 'email,password\nboss@x.com,hunter2\n');
    const api = bridgeWith(new Map([['innocent.csv', secret]]));
    const forged = new File(['email,password\nxxxx@x.com,xxxxxxx\n'], 'innocent.csv');
    const answer = await api.openDroppedFile(forged as unknown as DroppedFile);
    expect(answer.ok).toBe(false);
    expect(refusal(answer).message).toMatch(/not the file dropped on the window/);
    expect(await registeredFiles()).toEqual([]);
  });

  it('opens a file really dropped (small, and larger than both proved ends), through the bridge', async () => {
    const small = join(harness.stateDir, 'small.csv');
    await writeFile(small, 'email,name\nada@example.com,Ada\n');
    const lines = Array.from({ length: 8000 }, (_, i) => `p${i}@example.com,Person ${i}`);
    const big = join(harness.stateDir, 'big.csv');
    await writeFile(big, `email,name\n${lines.join('\n')}\n`);
    const api = bridgeWith(
      new Map([
        ['small.csv', small],
        ['big.csv', big],
      ]),
    );
    for (const path of [small, big]) {
      const file = new File(
        [await readFile(path)],
        path.endsWith('big.csv') ? 'big.csv' : 'small.csv',
      );
      const answer = await api.openDroppedFile(file as unknown as DroppedFile);
      if (!answer.ok) throw new Error(answer.error.message);
      expect(answer.value.sizeBytes).toBe((await stat(path)).size);
      const inspected = (await harness.call('file:inspect', {
        fileId: answer.value.fileId,
        limit: 1,
      })) as { ok: true; value: { records: Array<{ cells: string[] }> } };
      expect(inspected.value.records[0]!.cells[1]).toMatch(/^(Ada|Person 0)$/);
    }
    expect((await stat(big)).size).toBeGreaterThan(2 * 64 * 1024);
  });

  it('says an empty dropped file is empty', async () => {
    const empty = join(harness.stateDir, 'empty.csv');
    await writeFile(empty, '');
    const answer = refusal(
      await harness.call('file:dropped', { path: empty, size: 0, head: '', tail: '' }),
    );
    expect(answer.message).toMatch(/is empty/);
  });
});

describe('files chosen that are not regular files', () => {
  it.skipIf(process.platform === 'win32')(
    'refuses a named pipe and /dev/zero from the dialog at once, naming what they are',
    async () => {
      const fifo = join(harness.stateDir, 'contacts.csv');
      execFileSync('mkfifo', [fifo]);
      harness.openAnswers.push(fifo, '/dev/zero');
      const pipe = refusal(await harness.call('file:choose'));
      expect(pipe).toEqual({
        code: 'file_unreadable',
        message: expect.stringMatching(
          /contacts\.csv cannot be read\. It is a named pipe \(FIFO\)/,
        ),
      });
      const device = refusal(await harness.call('file:choose'));
      expect(device.message).toMatch(/\/dev\/zero cannot be read\. It is a device/);
      expect(await registeredFiles()).toEqual([]);
    },
  );
});

describe('job ids at the boundary', () => {
  it('refuses ../../victim on every job channel, before any handler or dialog runs', async () => {
    const victim = join(harness.stateDir, 'victim');
    await mkdir(victim, { recursive: true });
    await writeFile(join(victim, 'failed-rows.csv'), 'email\nvictim@x.com\n');
    await writeFile(join(victim, 'job.json'), '{}');
    harness.saveAnswers.push(join(harness.stateDir, 'stolen.csv'));
    const channels = [
      'report:openFailedRows',
      'report:saveFailedRows',
      'jobs:get',
      'import:resume',
      'import:pause',
      'import:cancel',
    ];
    for (const channel of channels) {
      for (const jobId of ['../victim', '../../victim', '..', 'a/b/c/d/e/f', '%2e%2e%2fvictim']) {
        const answer = refusal(await harness.call(channel, { jobId }));
        expect(answer.code, `${channel} ${jobId}`).toBe('invalid_input');
      }
    }
    // The save dialog was never opened, nothing was copied.
    expect(harness.saveAnswers).toHaveLength(1);
    await expect(stat(join(harness.stateDir, 'stolen.csv'))).rejects.toThrow();
  });

  it('keeps job folders inside the state folder in the store too', () => {
    const store = new ImportJobStore(harness.stateDir);
    expect(() => store.paths('../victim')).toThrow(/no import with the id/);
    expect(store.paths('20261128-121900-ab12cd').dir).toBe(
      join(harness.stateDir, 'jobs', '20261128-121900-ab12cd'),
    );
  });

  it('answers a well-formed id of no job with not_found', async () => {
    const answer = refusal(
      await harness.call('report:openFailedRows', { jobId: '20261128-121900-ab12cd' }),
    );
    expect(answer.code).toBe('not_found');
  });
});

describe('mapping:propose on a file 100,000 columns wide', () => {
  it('answers quickly with the limit, without stalling the main thread', async () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    const row = `a@x.com${',vv'.repeat(99_999)}\n`;
    const path = join(harness.stateDir, 'wide.csv');
    await writeFile(path, `${names.join(',')}\n${row}${row}`);
    expect((await stat(path)).size).toBeGreaterThan(1_150_000);
    harness.openAnswers.push(path);
    const chosen = (await harness.call('file:choose')) as {
      ok: true;
      value: { file: { fileId: string } };
    };
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const answer = refusal(
      await harness.call('mapping:propose', { fileId: chosen.value.file.fileId }),
    );
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    expect(seconds).toBeLessThan(10);
    expect(answer.code).toBe('file_unreadable');
    expect(answer.message).toContain('Row 1 has 100,000 columns');
    expect(answer.message).toContain('at most 2,000');
    // The work ran in the engine worker: the main thread's event loop kept turning.
    expect(delay.max / 1e6).toBeLessThan(1000);
  });
});
