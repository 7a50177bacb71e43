import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactProfile } from '../../src/shared/contact-profile';
import {
  ChangeLedger,
  digestContact,
  ENTRY_BYTES,
  type LedgerJournalSource,
  type LedgerRecord,
} from '../../src/main/engine/change-ledger';
import { emailHash64 } from '../../src/main/engine/email-index';
import { seededRandom } from '../integration/reliability-support';

const WEBSITE = 'w1';
const API = 'http://127.0.0.1:1';

function contact(email: string, n: number): ContactProfile {
  return {
    email,
    nickname: `Person ${n}`,
    nicknameSource: 'full_name',
    person: n % 3 === 0 ? { phone: `+33 6 ${n}` } : {},
    company: {},
    segments: n % 2 === 0 ? ['VIP'] : [],
    data: { plan: n % 5 === 0 ? 'pro' : 'free', ltv: n },
    clearedDataKeys: [],
  };
}

/** A changed copy: one part differs (profile, segments or data, by `n`). */
function changed(c: ContactProfile, n: number): ContactProfile {
  if (n % 3 === 0) return { ...c, nickname: `${c.nickname}!` };
  if (n % 3 === 1) return { ...c, segments: [...c.segments, 'New'] };
  return { ...c, data: { ...c.data, plan: 'changed' } };
}

function record(
  c: ContactProfile,
  occurrence: number,
  outcome: LedgerRecord['outcome'] = 'created',
): LedgerRecord {
  const [hashHigh, hashLow] = emailHash64(c.email);
  return {
    outcome,
    note: { hashHigh, hashLow, occurrence, digest: digestContact(c, 'clear') },
  };
}

function journal(jobId: string, records: LedgerRecord[], completed = false): LedgerJournalSource {
  return {
    jobId,
    startedAt: '2026-11-03T10:00:00.000Z',
    completed,
    async size() {
      return records.length;
    },
    async *read(from: number): AsyncGenerator<LedgerRecord, number> {
      for (let i = from; i < records.length; i++) yield records[i]!;
      return records.length;
    },
  };
}

describe('ChangeLedger.openSummary', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-summary-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const options = (journals: LedgerJournalSource[] = []) => ({
    stateDir: dir,
    websiteId: WEBSITE,
    apiUrl: API,
    journals,
    writable: true,
  });

  /** A saved ledger of `count` emails (some with 2 or 3 rows, some failed). */
  async function savedLedger(count: number): Promise<{ contacts: ContactProfile[][] }> {
    const ledger = await ChangeLedger.open(options());
    const contacts: ContactProfile[][] = [];
    for (let i = 0; i < count; i++) {
      const rows = i % 7 === 0 ? 3 : i % 5 === 0 ? 2 : 1;
      const email = `person${i}@example.com`;
      const occurrences: ContactProfile[] = [];
      for (let k = 1; k <= rows; k++) {
        const c = contact(email, i * 10 + k);
        occurrences.push(c);
        const job = i % 4 === 0 ? 'job-b' : 'job-a';
        const outcome = i % 11 === 0 && k === 1 ? 'failed' : 'created';
        ledger.apply(
          job,
          job === 'job-a' ? '2026-11-01T00:00:00Z' : '2026-11-02T00:00:00Z',
          record(c, k, outcome),
        );
      }
      contacts.push(occurrences);
    }
    await ledger.save();
    return { contacts };
  }

  it('answers every look-up of the check as the ledger does, in 14 bytes an entry', async () => {
    const { contacts } = await savedLedger(3000);
    const ledger = await ChangeLedger.open({ ...options(), writable: false });
    const summary = await ChangeLedger.openSummary(options());
    expect(summary.size).toBe(ledger.size);
    expect(summary.bytesUsed).toBeLessThan(ledger.size * 14 + 300_000);
    let unchanged = 0;
    contacts.forEach((occurrences, i) => {
      occurrences.forEach((c, index) => {
        const k = index + 1;
        const [high, low] = emailHash64(c.email);
        expect(summary.has(high, low, k)).toBe(true);
        const writer = summary.writerIfSameContact(high, low, k, c, 'clear');
        expect(writer).toBe(ledger.writerIfSameContact(high, low, k, c, 'clear'));
        if (writer !== null) {
          unchanged++;
          expect(summary.job(writer)).toEqual(ledger.job(writer));
        }
        // A changed contact is never found unchanged.
        expect(summary.writerIfSameContact(high, low, k, changed(c, i + k), 'clear')).toBeNull();
        // The same contact at another occurrence is another entry.
        expect(summary.has(high, low, occurrences.length + 1)).toBe(false);
      });
    });
    // Failed entries (every 11th email's first row) never match.
    expect(unchanged).toBeGreaterThan(0);
    const failed = contacts[0]![0]!;
    const [fh, fl] = emailHash64(failed.email);
    expect(summary.has(fh, fl, 1)).toBe(true);
    expect(summary.writerIfSameContact(fh, fl, 1, failed, 'clear')).toBeNull();
  });

  it('tells apart keys that share a bucket or the high half of the hash', async () => {
    const ledger = await ChangeLedger.open(options());
    const random = seededRandom(7);
    const part = () => ({
      high: Math.floor(random() * 0x10000),
      low: Math.floor(random() * 2 ** 32),
    });
    const keys: Array<[number, number]> = [];
    for (let i = 0; i < 500; i++) {
      // Four values of the top 16 bits only (few buckets), two of the high half's low bits.
      const high = (((i % 4) << 16) | (i % 2)) >>> 0;
      const low = Math.floor(random() * 2 ** 32);
      keys.push([high, low]);
      ledger.apply('job', '2026-11-01T00:00:00Z', {
        outcome: 'created',
        note: {
          hashHigh: high,
          hashLow: low,
          occurrence: 1,
          digest: { profile: part(), segments: part(), data: part() },
        },
      });
    }
    await ledger.save();
    const summary = await ChangeLedger.openSummary(options());
    for (const [high, low] of keys) {
      expect(summary.has(high, low, 1)).toBe(true);
      expect(summary.has(high ^ 1, low, 1)).toBe(ledger.has(high ^ 1, low, 1));
      expect(summary.has(high, low ^ 1, 1)).toBe(ledger.has(high, low ^ 1, 1));
      expect(summary.has(high, low, 2)).toBe(false);
    }
  });

  it('folds journals the ledger has not saved yet (in memory) before summarizing', async () => {
    const { contacts } = await savedLedger(50);
    const first = contacts[1]![0]!;
    const edited = changed(first, 1);
    const newcomer = contact('new@example.com', 1);
    const tail = journal('job-c', [record(edited, 1, 'updated'), record(newcomer, 1)]);
    const summary = await ChangeLedger.openSummary(options([tail]));
    const [h, l] = emailHash64(first.email);
    expect(summary.writerIfSameContact(h, l, 1, first, 'clear')).toBeNull();
    const writer = summary.writerIfSameContact(h, l, 1, edited, 'clear');
    expect(summary.job(writer!)?.id).toBe('job-c');
    const [nh, nl] = emailHash64(newcomer.email);
    expect(summary.writerIfSameContact(nh, nl, 1, newcomer, 'clear')).not.toBeNull();
    // Nothing was written: the ledger on disk is as saved.
    const reopened = await ChangeLedger.open({ ...options(), writable: false });
    expect(reopened.has(nh, nl, 1)).toBe(false);
  });

  it('is empty (every row is sent again) when the entries file is out of order, torn or unreadable', async () => {
    await savedLedger(200);
    const folder = ChangeLedger.folderFor(dir, WEBSITE, API);
    const name = (await readdir(folder)).find((n) => n.startsWith('entries-'))!;
    const path = join(folder, name);
    const good = await readFile(path);
    expect((await ChangeLedger.openSummary(options())).size).toBeGreaterThan(0);

    const swapped = Buffer.from(good);
    const a = 8 + 10 * ENTRY_BYTES;
    const b = 8 + 100 * ENTRY_BYTES;
    const entryA = Buffer.from(swapped.subarray(a, a + ENTRY_BYTES));
    swapped.copy(swapped, a, b, b + ENTRY_BYTES);
    entryA.copy(swapped, b);
    await writeFile(path, swapped);
    const outOfOrder = await ChangeLedger.openSummary(options());
    expect(outOfOrder.size).toBe(0);
    const [h, l] = [good.readUInt32LE(a), good.readUInt32LE(a + 4)];
    expect(outOfOrder.has(h, l, good[a + 8]!)).toBe(false);

    await writeFile(path, good.subarray(0, good.length - 5));
    expect((await ChangeLedger.openSummary(options())).size).toBe(0);
    await rm(path);
    expect((await ChangeLedger.openSummary(options())).size).toBe(0);
    await writeFile(join(folder, 'ledger.json'), '{not json');
    expect((await ChangeLedger.openSummary(options())).size).toBe(0);
  });
});
