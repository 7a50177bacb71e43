// A server that repeats the request's Authorization header in its errors (the fake Crisp's
// `echoAuthorization`) never gets the key into a failed row's reason, the journal, job.json,
// summary.json, import.log, or the terminal: not the key, not `identifier:key`, not its Basic
// base64 form.
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrispClient } from '../../src/main/engine/crisp-client';
import { detectCsvFormat } from '../../src/main/engine/csv-reader';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  createEngineParts,
  createImportJob,
  ImportJobRunner,
  ImportJobStore,
} from '../../src/main/engine/import-jobs';
import { proposeMappingForHeaders } from '../../src/main/engine/presets';
import { spawnCli } from './reliability-support';

let dir: string;
let crisp: FakeCrisp;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secrets-echoed-'));
  crisp = await startFakeCrisp({ echoAuthorization: 'message' });
});
afterEach(async () => {
  await crisp.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every form in which the token could leak. */
function secretForms(): string[] {
  const { identifier, key } = crisp.token;
  const basic = Buffer.from(`${identifier}:${key}`).toString('base64');
  return [key, `${identifier}:${key}`, basic, basic.replace(/=+$/, ''), `Basic ${basic}`];
}

function expectNoSecret(text: string, where: string): void {
  for (const form of secretForms()) expect(text, `${where} holds ${form}`).not.toContain(form);
}

async function expectNoSecretInFiles(root: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    names.push(entry.name);
    expectNoSecret(await readFile(path, 'utf8'), path);
  }
  return names;
}

describe('a server that echoes the Authorization header', () => {
  it('the Crisp client hides it from the error it builds', async () => {
    crisp.configure({ outage: { status: 503, body: 'json' } });
    const client = new CrispClient({
      apiUrl: crisp.url,
      websiteId: crisp.websiteId,
      ...crisp.token,
    });
    const error = (await client.getStats().catch((e: unknown) => e)) as Error & {
      crispMessage?: string;
    };
    expect(error.message).toMatch(/Authorization: \[hidden\]|Basic \[hidden\]/);
    expectNoSecret(`${error.message} ${error.crispMessage ?? ''}`, 'the error');
  });

  it('failed rows, journal, job.json, summary.json and the log never hold the key', async () => {
    // Every write answers 500 with the header in its status line; the rows fail quickly.
    crisp.configure({ faults: { serverErrorRate: 1, scope: 'writes' } });
    const file = join(dir, 'contacts.csv');
    await writeFile(file, 'email,full_name\na@example.com,A\nb@example.com,B\nbroken,C\n');
    const stateDir = join(dir, 'state');
    const store = new ImportJobStore(stateDir);
    const detection = await detectCsvFormat(file, {});
    const job = await createImportJob(store, {
      filePath: file,
      layout: {
        format: detection.format,
        headers: detection.headers,
        dataStartOffset: detection.dataStartOffset,
        dataStartRow: detection.dataStartRow,
        bomLength: 0,
      },
      mapping: proposeMappingForHeaders(detection.headers, []).mapping,
      websiteId: crisp.websiteId,
      apiUrl: crisp.url,
    });
    const done = await new ImportJobRunner({
      store,
      jobId: job.id,
      parts: createEngineParts({
        stateDir,
        connection: { apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token },
        lookups: 'single',
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
        network: { outageAfterRequests: 1_000, firstCheckMs: 50 },
      }),
    }).run();
    expect(done).toMatchObject({ state: 'completed', counters: { failed: 2, skipped: 1 } });
    const failedRows = await readFile(store.paths(job.id).failedRows, 'utf8');
    expect(failedRows).toMatch(
      /Crisp had a problem answering \(HTTP 50\d Error Authorization: Basic \[hidden\]/,
    );
    const files = await expectNoSecretInFiles(stateDir);
    expect(files).toEqual(
      expect.arrayContaining(['job.json', 'journal.ndjson', 'summary.json', 'failed-rows.csv']),
    );
  });

  it('the CLI prints no key and writes none', async () => {
    // A refused token whose answers repeat the header in their reason.
    crisp.configure({ echoAuthorization: 'reason' });
    crisp.revokeToken();
    const file = join(dir, 'one.csv');
    await writeFile(file, 'email,full_name\na@example.com,A\n');
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
      '--exit-on-wait',
    ];
    const words = await spawnCli(args, crisp).done;
    expect(words.code, words.stderr).toBe(3);
    expect(words.stdout).toMatch(
      /did not accept the token \(invalid_session \(Authorization: Basic \[hidden\]\)/,
    );
    expectNoSecret(words.stdout + words.stderr, 'the terminal');
    await expectNoSecretInFiles(stateDir);
  }, 20_000);
});
