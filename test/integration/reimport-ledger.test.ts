// Next month's export of the same file, through `crisp-import run` against the fake Crisp over
// loopback: rows whose contact is what this app last wrote are skipped (outcome `unchanged`),
// changed ones cost only what changed, and the profiles always end as a full re-send
// (`--send-all`) of the same files leaves them.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp, type ProfileSeed } from '../../src/main/engine/fake-crisp';
import { importInProcess } from './import-support';
import {
  comparableProfiles,
  seededRandom,
  spawnCli,
  writeContactsFile,
} from './reliability-support';

let dir: string;
const servers: FakeCrisp[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reimport-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Website {
  crisp: FakeCrisp;
  stateDir: string;
  /** Imports `file` as a new job each time (--restart: the earlier ones are completed), as JSON. */
  run(file: string, extra?: string[]): Promise<{ out: Record<string, unknown>; requests: number }>;
}

async function website(seed: ProfileSeed[] = []): Promise<Website> {
  const crisp = await startFakeCrisp({});
  servers.push(crisp);
  crisp.seedProfiles(seed);
  const stateDir = await mkdtemp(join(dir, 'state-'));
  return {
    crisp,
    stateDir,
    async run(file, extra = []) {
      const before = crisp.requestLog().length;
      const args = ['run', file, '--website', crisp.websiteId, '--api-url', crisp.url];
      const result = await spawnCli(
        [
          ...args,
          '--state-dir',
          stateDir,
          '--json',
          '--initial-rate',
          '500',
          '--restart',
          ...extra,
        ],
        crisp,
      ).done;
      expect([0, 1], result.stderr).toContain(result.code);
      return {
        out: JSON.parse(result.stdout) as Record<string, unknown>,
        requests: crisp.requestLog().length - before,
      };
    },
  };
}

/** Changes about `share` of the data rows, in four ways; returns the new file and the emails. */
async function changeRows(
  path: string,
  share: number,
): Promise<{ path: string; emails: Set<string> }> {
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const random = seededRandom(99);
  const emails = new Set<string>();
  const out = lines.map((line, i) => {
    if (i === 0 || random() >= share) return line;
    const cells = line.split(',');
    if (!cells[0]!.includes('@')) return line;
    emails.add(cells[0]!);
    switch (i % 4) {
      case 0: // a custom data value
        cells[5] = cells[5] === 'pro' ? 'enterprise' : 'pro';
        break;
      case 1: // the name
        cells[1] = 'Changed';
        break;
      case 2: // one more segment
        cells[3] = (cells[3] ? `${cells[3]}|` : '') + 'newtag';
        break;
      default: // the country and a custom data value
        cells[4] = cells[4] === 'US' ? 'DE' : 'US';
        cells[6] = String(Number(cells[6]) + 1);
    }
    return cells.join(',');
  });
  const changed = join(dir, 'changed.csv');
  await writeFile(changed, out.join('\n') + '\n');
  return { path: changed, emails };
}

function expectSameProfiles(a: FakeCrisp, b: FakeCrisp): void {
  const left = comparableProfiles(a);
  const right = comparableProfiles(b);
  const differing = Object.keys(right).filter(
    (email) => !isDeepStrictEqual(left[email], right[email]),
  );
  expect(
    differing.map((email) => ({ email, ours: left[email], fullResend: right[email] })),
  ).toEqual([]);
  expect(Object.keys(left).sort()).toEqual(Object.keys(right).sort());
}

describe('re-importing the same file', { timeout: 120_000 }, () => {
  it('sends nothing for an unchanged file, and says how many rows were unchanged', async () => {
    const file = await writeContactsFile(dir, 1500);
    const site = await website(file.existing);
    const first = await site.run(file.path);
    expect(first.out).toMatchObject({ state: 'completed', unchanged: 0 });
    const again = await site.run(file.path);
    const valid = (first.out.created as number) + (first.out.updated as number);
    expect(again.out).toMatchObject({
      state: 'completed',
      created: 0,
      updated: 0,
      failed: 0,
      unchanged: valid,
    });
    expect(again.out.rows).toBe(1500);
    expect(again.requests).toBeLessThanOrEqual(1500 * 0.01);

    // --send-all sends every row again, and the profiles do not change.
    const profiles = comparableProfiles(site.crisp);
    const all = await site.run(file.path, ['--send-all']);
    expect(all.out).toMatchObject({ unchanged: 0, updated: valid });
    // At least one request for each contact (its custom data), the look-ups besides.
    expect(all.requests).toBeGreaterThanOrEqual(site.crisp.listProfiles().length);
    expect(comparableProfiles(site.crisp)).toEqual(profiles);
  });

  it('sends only what changed when 5% of the rows changed, and ends as a full re-send', async () => {
    const file = await writeContactsFile(dir, 1500);
    const changed = await changeRows(file.path, 0.05);
    const ours = await website(file.existing);
    const full = await website(file.existing);
    await importInProcess(ours.crisp, ours.stateDir, file.path);
    await importInProcess(full.crisp, full.stateDir, file.path);
    // The check says it before anything is sent: the rows the import then skips.
    const scan = await spawnCli(
      ['scan', changed.path, '--website', ours.crisp.websiteId, '--api-url', ours.crisp.url].concat(
        ['--state-dir', ours.stateDir, '--json'],
      ),
      null,
    ).done;
    const report = JSON.parse(scan.stdout) as {
      unchanged: { rows: number; requestsSaved: number };
    };
    const text = await spawnCli(
      ['scan', changed.path, '--website', ours.crisp.websiteId, '--api-url', ours.crisp.url].concat(
        ['--state-dir', ours.stateDir],
      ),
      null,
    ).done;
    const second = await importInProcess(ours.crisp, ours.stateDir, changed.path);
    await importInProcess(full.crisp, full.stateDir, changed.path, { sendAll: true });
    expect(second.job.counters.unchanged).toBeGreaterThan(1300);
    expect(report.unchanged.rows).toBe(second.job.counters.unchanged);
    expect(report.unchanged.requestsSaved).toBeGreaterThan(second.job.counters.unchanged);
    expect(text.stdout).toContain(
      `${second.job.counters.unchanged.toLocaleString('en-GB')} of 1,500 rows are unchanged since the import of`,
    );
    expect(second.requests / changed.emails.size).toBeLessThanOrEqual(3.2);
    expectSameProfiles(ours.crisp, full.crisp);
  });

  it('ends as a full re-send when a repeated email changed or lost rows, however far apart they are', async () => {
    const filler = Array.from({ length: 60 }, (_, i) => `f${i}@example.com,F,${i},,US,pro,1`);
    const header = 'email,first_name,last_name,tags,country,data.plan,data.score';
    const write = async (name: string, rows: string[]): Promise<string> => {
      const path = join(dir, name);
      await writeFile(path, [header, ...rows].join('\n') + '\n');
      return path;
    };
    const jane1 = 'jane@example.com,Jane,One,vip,FR,pro,1';
    const jane2 = 'jane@example.com,Janet,Two,eu,DE,team,2';
    const original = await write('a.csv', [jane1, ...filler, jane2]);
    const changedLater = await write('b.csv', [
      jane1,
      ...filler,
      'jane@example.com,Janet,Two,eu,,,2',
    ]);
    const laterGone = await write('c.csv', [jane1, ...filler]);
    const earlierGone = await write('d.csv', [...filler, jane2]);
    const third = await write('e.csv', [
      jane1,
      ...filler,
      jane2,
      'jane@example.com,J,Three,b2b,ES,,3',
    ]);
    // Each sequence of monthly files, imported in turn (the first is always the original).
    const sequences = [
      [changedLater], // the later row changed, and leaves the country and the plan empty
      [laterGone, original], // the later row gone, then back
      [earlierGone], // the earlier row gone
      [third, original], // a third row, then gone again
    ];
    for (const files of sequences) {
      const seed = [{ email: 'jane@example.com', segments: ['old'], data: { kept: 1 } }];
      const ours = await website(seed);
      const full = await website(seed);
      // A read-ahead of 20 rows: the email's rows are planned apart, as in a big file.
      const runner = { windowRows: 20 };
      await importInProcess(ours.crisp, ours.stateDir, original, { runner });
      await importInProcess(full.crisp, full.stateDir, original, { runner });
      for (const next of files) {
        const done = await importInProcess(ours.crisp, ours.stateDir, next, { runner });
        await importInProcess(full.crisp, full.stateDir, next, { runner, sendAll: true });
        expect(done.job.state).toBe('completed');
        expectSameProfiles(ours.crisp, full.crisp);
      }
    }
  });

  it('creates a contact again when it was deleted in Crisp and its custom data changed', async () => {
    const path = join(dir, 'one.csv');
    await writeFile(
      path,
      'email,first_name,data.plan\njane@example.com,Jane,pro\nbob@example.com,Bob,pro\n',
    );
    const site = await website();
    await site.run(path);
    const peopleId = site.crisp.getProfile('jane@example.com')!.people_id;
    const remove = await fetch(
      `${site.crisp.url}/v1/website/${site.crisp.websiteId}/people/profile/${peopleId}`,
      {
        method: 'DELETE',
        headers: {
          authorization: `Basic ${Buffer.from(`${site.crisp.token.identifier}:${site.crisp.token.key}`).toString('base64')}`,
          'x-crisp-tier': site.crisp.token.tier,
        },
      },
    );
    expect(remove.status).toBe(200);
    await writeFile(
      path,
      'email,first_name,data.plan\njane@example.com,Jane,team\nbob@example.com,Bob,pro\n',
    );
    const again = await site.run(path);
    expect(again.out).toMatchObject({ unchanged: 1, created: 1 });
    expect(site.crisp.getProfile('jane@example.com')).toMatchObject({
      person: { nickname: 'Jane' },
      data: { plan: 'team' },
    });
  });
});
