/**
 * A compact, read-only summary of a change ledger for the full-file check (a scan): it only has
 * to say whether an (email, occurrence) is remembered, and whether a contact is exactly what was
 * last written there (and by which job), never what changed. 14 bytes an entry in typed arrays,
 * against the ledger's 32, and no object per entry:
 *
 *   key    the email hash's high 16 bits are the bucket (65,536 buckets, an offset each), its
 *          other 48 bits are stored (u16 + u32), with the occurrence (u8): the full 64-bit key,
 *          so two emails are told apart exactly as the ledger tells them apart
 *   writer u16  the job that last wrote the entry (0 for none)
 *   digest 40 bits (u32 + u8) of the entry's three part digests combined (`combinedDigest`);
 *          0 for a failed entry (a combined digest is never 0, so a failed entry never matches)
 *
 * A changed contact is taken for unchanged only if its combined digest is the old one's: a
 * chance of 2^-40 (9.1e-13) per changed row (see the README): the check is an estimate, and the
 * run itself decides on the full entry (three 48-bit digests).
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import { contactDigestWords } from './contact-digest';

const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;

/** Where the check looks rows up: a summary, or the ledger itself. */
export interface LedgerCheckSource {
  /** Remembered (email, occurrence) entries. */
  readonly size: number;
  has(hashHigh: number, hashLow: number, occurrence: number): boolean;
  /**
   * The occurrence is remembered with exactly this contact (and did not fail): the number of
   * the job that wrote it (0 for none); null when it is not remembered or differs.
   */
  writerIfSameContact(
    hashHigh: number,
    hashLow: number,
    occurrence: number,
    contact: ContactProfile,
    emptyCells: 'clear' | 'keep',
  ): number | null;
  /** The job an entry's job number refers to. */
  job(number: number): { id: string; startedAt: string } | null;
}

const words = new Uint32Array(6);

/**
 * The three part digests (48 bits each, as [high 16, low 32]) folded into 40 bits, as a number
 * (high 8 bits * 2^32 + low 32 bits); never 0 (0 marks a failed entry). MurmurHash3's finalizer
 * on two lanes.
 */
export function combinedDigest(
  profileHigh: number,
  profileLow: number,
  segmentsHigh: number,
  segmentsLow: number,
  dataHigh: number,
  dataLow: number,
): number {
  let a = 0x2545f491;
  let b = 0x6a09e667;
  a = mix(a, profileLow);
  b = mix(b, (profileHigh << 16) | segmentsHigh);
  a = mix(a, segmentsLow);
  b = mix(b, dataHigh);
  a = mix(a, dataLow);
  a = fmix32((a + b) | 0);
  b = fmix32((b ^ a) | 0);
  const value = (b & 0xff) * 0x100000000 + (a >>> 0);
  return value === 0 ? 1 : value;
}

/** The combined digest of a contact as the planner digests it (allocates no digest object). */
export function combinedDigestOfContact(
  contact: ContactProfile,
  emptyCells: 'clear' | 'keep',
): number {
  contactDigestWords(contact, emptyCells, words);
  return combinedDigest(words[0]!, words[1]!, words[2]!, words[3]!, words[4]!, words[5]!);
}

export class LedgerSummary implements LedgerCheckSource {
  private readonly bucketStart: Uint32Array;
  private readonly hashMiddle: Uint16Array;
  private readonly hashLow: Uint32Array;
  private readonly occurrences: Uint8Array;
  private readonly writers: Uint16Array;
  private readonly digestLow: Uint32Array;
  private readonly digestHigh: Uint8Array;
  private count = 0;
  private lastHigh = -1;
  private lastLow = 0;
  private lastOccurrence = 0;
  private ordered = true;

  /** `capacity`: entries at most (added with `add`, in key order). */
  constructor(
    capacity: number,
    private readonly jobs: ReadonlyArray<{ id: string; startedAt: string }> = [],
  ) {
    this.bucketStart = new Uint32Array(BUCKETS + 1);
    this.hashMiddle = new Uint16Array(capacity);
    this.hashLow = new Uint32Array(capacity);
    this.occurrences = new Uint8Array(capacity);
    this.writers = new Uint16Array(capacity);
    this.digestLow = new Uint32Array(capacity);
    this.digestHigh = new Uint8Array(capacity);
  }

  static empty(): LedgerSummary {
    return new LedgerSummary(0).sealed();
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held (the typed arrays). */
  get bytesUsed(): number {
    return (
      this.bucketStart.byteLength +
      this.hashMiddle.byteLength +
      this.hashLow.byteLength +
      this.occurrences.byteLength +
      this.writers.byteLength +
      this.digestLow.byteLength +
      this.digestHigh.byteLength
    );
  }

  /**
   * Adds the next entry; false (and nothing added) when it is not after the previous one in key
   * order or there is no room: the caller then takes the file as unreadable.
   */
  add(
    hashHigh: number,
    hashLow: number,
    occurrence: number,
    writer: number,
    digest: number,
  ): boolean {
    if (!this.ordered || this.count >= this.hashLow.length) return (this.ordered = false);
    const high = hashHigh >>> 0;
    const low = hashLow >>> 0;
    if (
      high < this.lastHigh ||
      (high === this.lastHigh &&
        (low < this.lastLow || (low === this.lastLow && occurrence <= this.lastOccurrence)))
    ) {
      return (this.ordered = false);
    }
    this.lastHigh = high;
    this.lastLow = low;
    this.lastOccurrence = occurrence;
    const at = this.count++;
    // bucketStart[b + 1] counts entries of bucket b for now (prefix sums in `sealed`).
    this.bucketStart[(high >>> BUCKET_BITS) + 1]! += 1;
    this.hashMiddle[at] = high & 0xffff;
    this.hashLow[at] = low;
    this.occurrences[at] = occurrence;
    this.writers[at] = writer;
    this.digestLow[at] = digest % 0x100000000;
    this.digestHigh[at] = Math.floor(digest / 0x100000000);
    return true;
  }

  /** Every entry was added in key order. */
  get inOrder(): boolean {
    return this.ordered;
  }

  /** Done adding: the bucket offsets are set. */
  sealed(): this {
    const starts = this.bucketStart;
    for (let b = 1; b <= BUCKETS; b += 1) starts[b] = starts[b]! + starts[b - 1]!;
    return this;
  }

  has(hashHigh: number, hashLow: number, occurrence: number): boolean {
    return this.find(hashHigh, hashLow, occurrence) >= 0;
  }

  writerIfSameContact(
    hashHigh: number,
    hashLow: number,
    occurrence: number,
    contact: ContactProfile,
    emptyCells: 'clear' | 'keep',
  ): number | null {
    const at = this.find(hashHigh, hashLow, occurrence);
    if (at < 0) return null;
    return this.writerIfSame(at, combinedDigestOfContact(contact, emptyCells));
  }

  /** The entry at `at` holds `digest` (a combined digest): its writer, else null. */
  writerIfSameDigest(
    hashHigh: number,
    hashLow: number,
    occurrence: number,
    digest: number,
  ): number | null {
    const at = this.find(hashHigh, hashLow, occurrence);
    return at < 0 ? null : this.writerIfSame(at, digest);
  }

  job(number: number): { id: string; startedAt: string } | null {
    return this.jobs[number - 1] ?? null;
  }

  private writerIfSame(at: number, digest: number): number | null {
    const high = this.digestHigh[at]!;
    const low = this.digestLow[at]!;
    if (high === 0 && low === 0) return null; // failed
    return high * 0x100000000 + low === digest ? this.writers[at]! : null;
  }

  /** The entry's position, or -1. */
  private find(hashHigh: number, hashLow: number, occurrence: number): number {
    const high = hashHigh >>> 0;
    const bucket = high >>> BUCKET_BITS;
    const middle = high & 0xffff;
    const low = hashLow >>> 0;
    let lo = this.bucketStart[bucket]!;
    let hi = this.bucketStart[bucket + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.hashMiddle[mid]!;
      let cmp = m - middle;
      if (cmp === 0) {
        const l = this.hashLow[mid]!;
        cmp = l === low ? this.occurrences[mid]! - occurrence : l < low ? -1 : 1;
      }
      if (cmp === 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

function mix(h: number, k: number): number {
  k = Math.imul(k | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}
