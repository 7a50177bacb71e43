/**
 * The ledger's entries in memory: one 32-byte entry per (email, occurrence) remembered, the same
 * bytes as on disk, so loading is one read and saving one write.
 *
 * Entry layout (little endian):
 *    0  u32  email hash, high 32 bits (emailHash64 of the trimmed, lower-cased email)
 *    4  u32  email hash, low 32 bits
 *    8  u8   occurrence: 1 for the email's first valid row in the file, 2 for its second...
 *    9  u8   flags: FAILED (its last send failed: what Crisp holds is not known), DELETED
 *   10  u16  seen by: the last job that had this row (sent it, or found it unchanged); index into
 *            the ledger's job list, 0 for none
 *   12  u16  written by: the last job that sent it
 *   14  u16+u32  profile digest (48 bits)
 *   20  u16+u32  segments digest
 *   26  u16+u32  custom data digest
 *
 * Two regions: `base`, sorted by (hash, occurrence) as loaded from disk (binary search), and
 * `added`, entries new since the load (append-only, with an open-addressing index of their
 * positions). A deleted entry is flagged, and dropped when the table is written out sorted
 * (`sortedBytes`: the base and the added entries merged, so only the added ones are sorted).
 */
import type { ContactDigest, PartDigest } from './contact-digest';

export const ENTRY_BYTES = 32;
export const MAX_OCCURRENCE = 255;

const FAILED = 1;
const DELETED = 0x80;
/** The flag bits of an entry (byte 9), for readers of the bytes (a summary). */
export const ENTRY_FAILED = FAILED;
export const ENTRY_DELETED = DELETED;

/** A remembered row, decoded. */
export interface LedgerEntry {
  hashHigh: number;
  hashLow: number;
  occurrence: number;
  failed: boolean;
  seenBy: number;
  writtenBy: number;
  digest: ContactDigest;
}

/** Where an entry lives: a position in `base` (>= 0) or in `added` (< 0, as -1 - index). */
export type EntryRef = number;

export class LedgerTable {
  private base: Uint8Array;
  private baseView: DataView;
  private baseCount: number;
  private added: Uint8Array;
  private addedView: DataView;
  private addedCount = 0;
  /** Open addressing over `added`: slot -> index + 1 (0 = empty). */
  private index = new Int32Array(1024);
  private live: number;

  /** `base`: sorted entries (as written by `sortedBytes`). */
  constructor(base: Uint8Array = new Uint8Array(0)) {
    if (base.length % ENTRY_BYTES !== 0) throw new Error('The ledger file has a torn entry.');
    this.base = base;
    this.baseView = new DataView(base.buffer, base.byteOffset, base.byteLength);
    this.baseCount = base.length / ENTRY_BYTES;
    this.added = new Uint8Array(ENTRY_BYTES * 256);
    this.addedView = new DataView(this.added.buffer);
    this.live = this.baseCount;
  }

  /** Entries that are not deleted. */
  get size(): number {
    return this.live;
  }

  /** Bytes held in memory. */
  get bytesUsed(): number {
    return this.base.byteLength + this.added.byteLength + this.index.byteLength;
  }

  find(hashHigh: number, hashLow: number, occurrence: number): EntryRef | null {
    let lo = 0;
    let hi = this.baseCount - 1;
    const view = this.baseView;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = mid * ENTRY_BYTES;
      const cmp = compareKey(
        view.getUint32(at, true),
        view.getUint32(at + 4, true),
        view.getUint8(at + 8),
        hashHigh,
        hashLow,
        occurrence,
      );
      if (cmp === 0) return (view.getUint8(at + 9) & DELETED) === 0 ? mid : null;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    const slot = this.addedSlot(hashHigh, hashLow, occurrence);
    const found = this.index[slot]!;
    if (found === 0) return null;
    const ref = -found;
    return this.isDeleted(ref) ? null : ref;
  }

  get(ref: EntryRef): LedgerEntry {
    const [view, at] = this.locate(ref);
    const flags = view.getUint8(at + 9);
    return {
      hashHigh: view.getUint32(at, true),
      hashLow: view.getUint32(at + 4, true),
      occurrence: view.getUint8(at + 8),
      failed: (flags & FAILED) !== 0,
      seenBy: view.getUint16(at + 10, true),
      writtenBy: view.getUint16(at + 12, true),
      digest: {
        profile: readDigest(view, at + 14),
        segments: readDigest(view, at + 20),
        data: readDigest(view, at + 26),
      },
    };
  }

  /**
   * The entry holds exactly `digest` and its last send did not fail: the job number that wrote
   * it (0 for none), else null. Reads the bytes in place (no object: it runs for every row).
   */
  writerIfSame(ref: EntryRef, digest: ContactDigest): number | null {
    const [view, at] = this.locate(ref);
    if ((view.getUint8(at + 9) & FAILED) !== 0) return null;
    const same =
      sameAt(view, at + 14, digest.profile) &&
      sameAt(view, at + 20, digest.segments) &&
      sameAt(view, at + 26, digest.data);
    return same ? view.getUint16(at + 12, true) : null;
  }

  /** The same, for digests as `contactDigestWords` writes them (six numbers). */
  writerIfSameWords(ref: EntryRef, words: Uint32Array): number | null {
    const [view, at] = this.locate(ref);
    if ((view.getUint8(at + 9) & FAILED) !== 0) return null;
    const same =
      view.getUint32(at + 16, true) === words[1] &&
      view.getUint16(at + 14, true) === words[0] &&
      view.getUint32(at + 22, true) === words[3] &&
      view.getUint16(at + 20, true) === words[2] &&
      view.getUint32(at + 28, true) === words[5] &&
      view.getUint16(at + 26, true) === words[4];
    return same ? view.getUint16(at + 12, true) : null;
  }

  /** failed (0 or 1) * 2^32 + seenBy * 2^16 + writtenBy: an entry's state as one number. */
  packedState(ref: EntryRef): number {
    const [view, at] = this.locate(ref);
    const failed = (view.getUint8(at + 9) & FAILED) !== 0 ? 1 : 0;
    return (
      failed * 0x100000000 + view.getUint16(at + 10, true) * 0x10000 + view.getUint16(at + 12, true)
    );
  }

  seenBy(ref: EntryRef): number {
    const [view, at] = this.locate(ref);
    return view.getUint16(at + 10, true);
  }

  /** Adds or replaces the entry of (hash, occurrence). */
  put(entry: LedgerEntry): void {
    const ref = this.findAny(entry.hashHigh, entry.hashLow, entry.occurrence);
    if (ref === null) {
      this.append(entry);
      this.live += 1;
      return;
    }
    if (this.isDeleted(ref)) this.live += 1;
    const [view, at] = this.locate(ref);
    write(view, at, entry);
  }

  /** Marks the entry seen by `job` (its digests and writer stay). */
  markSeen(ref: EntryRef, job: number): void {
    const [view, at] = this.locate(ref);
    view.setUint16(at + 10, job, true);
  }

  delete(ref: EntryRef): void {
    const [view, at] = this.locate(ref);
    const flags = view.getUint8(at + 9);
    if ((flags & DELETED) !== 0) return;
    view.setUint8(at + 9, flags | DELETED);
    this.live -= 1;
  }

  /** Live entries of an email's second row or later, not seen by job `notSeenBy` (0: any). */
  countRepeated(notSeenBy = 0): number {
    const count = (bytes: Uint8Array, entries: number): number => {
      let found = 0;
      for (let at = 0; at < entries * ENTRY_BYTES; at += ENTRY_BYTES) {
        if (bytes[at + 8]! > 1 && (bytes[at + 9]! & DELETED) === 0) {
          const seenBy = bytes[at + 10]! | (bytes[at + 11]! << 8);
          if (seenBy !== notSeenBy) found += 1;
        }
      }
      return found;
    };
    return count(this.base, this.baseCount) + count(this.added, this.addedCount);
  }

  /** Every live entry's ref, base first, then added (order of addition). */
  *refs(): Generator<EntryRef> {
    for (let i = 0; i < this.baseCount; i += 1) if (!this.isDeleted(i)) yield i;
    for (let i = 0; i < this.addedCount; i += 1) if (!this.isDeleted(-1 - i)) yield -1 - i;
  }

  /** Renumbers the job fields of every entry (after the job list was pruned). */
  remapJobs(map: (job: number) => number): void {
    for (const ref of this.refs()) {
      const [view, at] = this.locate(ref);
      view.setUint16(at + 10, map(view.getUint16(at + 10, true)), true);
      view.setUint16(at + 12, map(view.getUint16(at + 12, true)), true);
    }
  }

  /** The live entries sorted by key, as the bytes of a ledger file. */
  sortedBytes(): Uint8Array {
    const out = new Uint8Array(this.live * ENTRY_BYTES);
    let written = 0;
    for (const chunk of this.sortedChunks()) {
      out.set(chunk, written);
      written += chunk.length;
    }
    return out.subarray(0, written);
  }

  /**
   * The same bytes, `chunkEntries` entries at a time (a save writes them one by one, so it never
   * holds a second copy of the table). Entries changed while the chunks are taken may or may not
   * be in them: a save's header only claims what was applied before it began.
   */
  *sortedChunks(chunkEntries = 32_768): Generator<Uint8Array> {
    const addedOrder = this.sortedAddedOrder();
    let chunk = new Uint8Array(chunkEntries * ENTRY_BYTES);
    let filled = 0;
    let b = 0;
    let a = 0;
    while (b < this.baseCount || a < addedOrder.length) {
      if (b < this.baseCount && this.isDeleted(b)) {
        b += 1;
        continue;
      }
      const takeBase =
        a >= addedOrder.length ||
        (b < this.baseCount && this.compareRefs(b, -1 - addedOrder[a]!) < 0);
      const [source, index] = takeBase ? [this.base, b++] : [this.added, addedOrder[a++]!];
      chunk.set(source.subarray(index * ENTRY_BYTES, (index + 1) * ENTRY_BYTES), filled);
      filled += ENTRY_BYTES;
      if (filled === chunk.length) {
        yield chunk;
        chunk = new Uint8Array(chunkEntries * ENTRY_BYTES);
        filled = 0;
      }
    }
    if (filled > 0) yield chunk.subarray(0, filled);
  }

  /** Positions in `added` of its live entries, sorted by key (deleted ones left out). */
  private sortedAddedOrder(): Int32Array {
    const order: number[] = [];
    for (let i = 0; i < this.addedCount; i += 1) if (!this.isDeleted(-1 - i)) order.push(i);
    const view = this.addedView;
    order.sort((x, y) => {
      const ax = x * ENTRY_BYTES;
      const ay = y * ENTRY_BYTES;
      return compareKey(
        view.getUint32(ax, true),
        view.getUint32(ax + 4, true),
        view.getUint8(ax + 8),
        view.getUint32(ay, true),
        view.getUint32(ay + 4, true),
        view.getUint8(ay + 8),
      );
    });
    return Int32Array.from(order);
  }

  // ---------------------------------------------------------------------------------------------

  private findAny(hashHigh: number, hashLow: number, occurrence: number): EntryRef | null {
    let lo = 0;
    let hi = this.baseCount - 1;
    const view = this.baseView;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = mid * ENTRY_BYTES;
      const cmp = compareKey(
        view.getUint32(at, true),
        view.getUint32(at + 4, true),
        view.getUint8(at + 8),
        hashHigh,
        hashLow,
        occurrence,
      );
      if (cmp === 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    const found = this.index[this.addedSlot(hashHigh, hashLow, occurrence)]!;
    return found === 0 ? null : -found;
  }

  private locate(ref: EntryRef): [DataView, number] {
    return ref >= 0
      ? [this.baseView, ref * ENTRY_BYTES]
      : [this.addedView, (-1 - ref) * ENTRY_BYTES];
  }

  private isDeleted(ref: EntryRef): boolean {
    const [view, at] = this.locate(ref);
    return (view.getUint8(at + 9) & DELETED) !== 0;
  }

  private compareRefs(x: EntryRef, y: EntryRef): number {
    const [vx, ax] = this.locate(x);
    const [vy, ay] = this.locate(y);
    return compareKey(
      vx.getUint32(ax, true),
      vx.getUint32(ax + 4, true),
      vx.getUint8(ax + 8),
      vy.getUint32(ay, true),
      vy.getUint32(ay + 4, true),
      vy.getUint8(ay + 8),
    );
  }

  private append(entry: LedgerEntry): void {
    if ((this.addedCount + 1) * ENTRY_BYTES > this.added.length) {
      const grown = new Uint8Array(this.added.length * 2);
      grown.set(this.added);
      this.added = grown;
      this.addedView = new DataView(grown.buffer);
    }
    write(this.addedView, this.addedCount * ENTRY_BYTES, entry);
    this.addedCount += 1;
    if (this.addedCount * 2 > this.index.length) this.growIndex();
    else {
      const slot = this.addedSlot(entry.hashHigh, entry.hashLow, entry.occurrence);
      this.index[slot] = this.addedCount;
    }
  }

  /** The slot of (hash, occurrence) in the index: where it is, or the empty slot it would take. */
  private addedSlot(hashHigh: number, hashLow: number, occurrence: number): number {
    const mask = this.index.length - 1;
    let slot = (Math.imul(hashLow ^ occurrence, 0x9e3779b1) ^ hashHigh) & mask;
    const view = this.addedView;
    for (;;) {
      const found = this.index[slot]!;
      if (found === 0) return slot;
      const at = (found - 1) * ENTRY_BYTES;
      if (
        view.getUint32(at + 4, true) === hashLow &&
        view.getUint32(at, true) === hashHigh &&
        view.getUint8(at + 8) === occurrence
      )
        return slot;
      slot = (slot + 1) & mask;
    }
  }

  private growIndex(): void {
    this.index = new Int32Array(this.index.length * 2);
    const view = this.addedView;
    for (let i = 0; i < this.addedCount; i += 1) {
      const at = i * ENTRY_BYTES;
      const slot = this.addedSlot(
        view.getUint32(at, true),
        view.getUint32(at + 4, true),
        view.getUint8(at + 8),
      );
      this.index[slot] = i + 1;
    }
  }
}

function compareKey(
  aHigh: number,
  aLow: number,
  aOcc: number,
  bHigh: number,
  bLow: number,
  bOcc: number,
): number {
  if (aHigh !== bHigh) return aHigh < bHigh ? -1 : 1;
  if (aLow !== bLow) return aLow < bLow ? -1 : 1;
  return aOcc - bOcc;
}

function sameAt(view: DataView, at: number, digest: PartDigest): boolean {
  return (
    view.getUint32(at + 2, true) === digest.low >>> 0 && view.getUint16(at, true) === digest.high
  );
}

function readDigest(view: DataView, at: number): PartDigest {
  return { high: view.getUint16(at, true), low: view.getUint32(at + 2, true) };
}

function write(view: DataView, at: number, entry: LedgerEntry): void {
  view.setUint32(at, entry.hashHigh >>> 0, true);
  view.setUint32(at + 4, entry.hashLow >>> 0, true);
  view.setUint8(at + 8, entry.occurrence);
  view.setUint8(at + 9, entry.failed ? FAILED : 0);
  view.setUint16(at + 10, entry.seenBy, true);
  view.setUint16(at + 12, entry.writtenBy, true);
  writeDigest(view, at + 14, entry.digest.profile);
  writeDigest(view, at + 20, entry.digest.segments);
  writeDigest(view, at + 26, entry.digest.data);
}

function writeDigest(view: DataView, at: number, digest: PartDigest): void {
  view.setUint16(at, digest.high, true);
  view.setUint32(at + 2, digest.low >>> 0, true);
}
