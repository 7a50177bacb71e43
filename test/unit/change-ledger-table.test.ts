import { describe, expect, it } from 'vitest';
import {
  LedgerTable,
  ENTRY_BYTES,
  ledgerNoteFromText,
  ledgerNoteToText,
  type LedgerEntry,
} from '../../src/main/engine/change-ledger';
import { seededRandom } from '../integration/reliability-support';

function entry(random: () => number, hashHigh: number, hashLow: number, k: number): LedgerEntry {
  const part = () => ({
    high: Math.floor(random() * 0x10000),
    low: Math.floor(random() * 0x100000000),
  });
  return {
    hashHigh,
    hashLow,
    occurrence: k,
    failed: random() < 0.1,
    seenBy: Math.floor(random() * 5),
    writtenBy: Math.floor(random() * 5),
    digest: { profile: part(), segments: part(), data: part() },
  };
}

describe('LedgerTable', () => {
  it('finds, replaces and deletes entries like a map, before and after it is written sorted and read back', () => {
    const random = seededRandom(3);
    let table = new LedgerTable();
    const model = new Map<string, LedgerEntry>();
    const keys: Array<[number, number, number]> = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4000; i++) {
        const dice = random();
        if (dice < 0.6 || keys.length === 0) {
          // mostly new keys, some sharing an email hash with another occurrence
          const reuse =
            keys.length > 0 && random() < 0.3 ? keys[Math.floor(random() * keys.length)]! : null;
          const high = reuse ? reuse[0] : Math.floor(random() * 0x100000000);
          const low = reuse ? reuse[1] : Math.floor(random() * 0x100000000);
          const k = reuse ? reuse[2] + 1 : 1 + Math.floor(random() * 3);
          if (k > 255) continue;
          const e = entry(random, high, low, k);
          table.put(e);
          model.set(`${high}:${low}:${k}`, e);
          keys.push([high, low, k]);
        } else if (dice < 0.8) {
          const [h, l, k] = keys[Math.floor(random() * keys.length)]!;
          const e = entry(random, h, l, k);
          table.put(e);
          model.set(`${h}:${l}:${k}`, e);
        } else {
          const [h, l, k] = keys[Math.floor(random() * keys.length)]!;
          const ref = table.find(h, l, k);
          if (ref !== null) table.delete(ref);
          model.delete(`${h}:${l}:${k}`);
        }
      }
      expect(table.size).toBe(model.size);
      const repeated = (notSeenBy: number): number =>
        [...model.values()].filter((e) => e.occurrence > 1 && e.seenBy !== notSeenBy).length;
      expect(table.countRepeated()).toBe(repeated(0));
      expect(table.countRepeated(3)).toBe(repeated(3));
      for (const [h, l, k] of keys) {
        const ref = table.find(h, l, k);
        const expected = model.get(`${h}:${l}:${k}`);
        if (!expected) expect(ref).toBeNull();
        else expect(table.get(ref!)).toEqual(expected);
      }
      // Written out sorted (what a save does) and loaded again.
      const bytes = table.sortedBytes();
      expect(bytes.length).toBe(model.size * ENTRY_BYTES);
      // A save writes the same bytes in chunks.
      const chunks = [...table.sortedChunks(100)];
      expect(chunks.every((chunk) => chunk.length <= 100 * ENTRY_BYTES)).toBe(true);
      expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
      table = new LedgerTable(Uint8Array.from(bytes));
    }
    expect([...table.refs()]).toHaveLength(model.size);
  });

  it('refuses a file with a torn entry', () => {
    expect(() => new LedgerTable(new Uint8Array(ENTRY_BYTES + 3))).toThrow(/torn/);
  });
});

describe('ledger notes', () => {
  it('round-trip through their journal text, and reject anything else', () => {
    const note = {
      hashHigh: 0xdeadbeef,
      hashLow: 7,
      occurrence: 12,
      digest: {
        profile: { high: 1, low: 0xffffffff },
        segments: { high: 0xffff, low: 0 },
        data: { high: 0x1234, low: 0x89abcdef },
      },
    };
    const text = ledgerNoteToText(note);
    expect(text).toMatch(/^deadbeef00000007:12:[0-9a-f]{36}$/);
    expect(ledgerNoteFromText(text)).toEqual(note);
    expect(ledgerNoteFromText('deadbeef00000007:3')).toEqual({
      ...note,
      occurrence: 3,
      digest: null,
    });
    for (const bad of [
      '',
      'x',
      'deadbeef00000007:0',
      'deadbeef00000007:256',
      'deadbeef0000000:1',
      'deadbeef00000007:1:zz',
    ])
      expect(ledgerNoteFromText(bad)).toBeNull();
  });
});
