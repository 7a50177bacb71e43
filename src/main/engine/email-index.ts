/**
 * The emails seen so far in a file, for duplicate detection, in at most 16 bytes per distinct
 * email whatever the file size (no strings are kept).
 *
 * How: each email is hashed to 64 bits (two cross-mixed MurmurHash3 lanes over its UTF-16 code
 * units). The table is a Robin Hood open-addressing hash table of 2^k slots (k >= 16) kept in
 * three typed arrays: 7 bytes a slot. A hash's top k bits choose its home slot, and a slot stores
 * the low 48 bits plus its distance from home (1 byte), so the full 64-bit hash is known from
 * the slot's position (home = slot - distance) and what it stores: lookups compare whole 64-bit
 * hashes, and growing by doubling needs no email. The table doubles when it is 7/8 full, so it
 * is never less than 7/16 full: 7 bytes / (7/16) = 16 bytes per email at most (beyond the first
 * 57,344 emails, below which the table keeps its fixed minimum of 448 KiB).
 *
 * False positives: a new email is taken for a seen one only when two different emails share all
 * 64 hash bits. For n distinct emails the chance that this happens at all in a file is about
 * n² / 2^65: 2.7e-8 for 1 million emails, 2.7e-6 for 10 million. The hash is not
 * cryptographic; files are the user's own, not an adversary's.
 */

const MIN_BITS = 16;
const MAX_BITS = 30;
/** Grow when more than 7/8 of the slots are used. */
const MAX_LOAD = 0.875;
/** Largest distance from home a slot records (the distance byte stores distance + 1). */
const MAX_DISTANCE = 254;

let hashHigh = 0;
let hashLow = 0;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** The 64-bit hash the index uses, as [high 32 bits, low 32 bits] (for tests and tools). */
export function emailHash64(email: string): [number, number] {
  hash64(email);
  return [hashHigh, hashLow];
}

/** 64-bit hash of `text` into `hashHigh` and `hashLow` (no allocation). */
function hash64(text: string): void {
  const length = text.length;
  let h1 = 0x9747b28c;
  let h2 = 0x5bd1e995;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const block = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    h1 ^= Math.imul(rotl(Math.imul(block, 0xcc9e2d51), 15), 0x1b873593);
    h1 = (Math.imul(rotl(h1, 13), 5) + 0xe6546b64) | 0;
    h2 ^= Math.imul(rotl(Math.imul(block, 0x1b873593), 17), 0xcc9e2d51);
    h2 = (Math.imul(rotl(h2, 15), 5) + 0x38495ab5) | 0;
  }
  if (i < length) {
    const block = text.charCodeAt(i);
    h1 ^= Math.imul(rotl(Math.imul(block, 0xcc9e2d51), 15), 0x1b873593);
    h2 ^= Math.imul(rotl(Math.imul(block, 0x1b873593), 17), 0xcc9e2d51);
  }
  h1 ^= length;
  h2 ^= length;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  hashHigh = h1 >>> 0;
  hashLow = h2 >>> 0;
}

/**
 * The high 32 bits of the hash held in `slot` of a table of 2^bits slots (bits >= 16): the top
 * 16 come from its home slot (the top `bits` bits of the hash), the next 16 from `middle`.
 */
function highOf(slot: number, distance: number, middle: number, bits: number): number {
  const home = (slot - (distance - 1)) & ((1 << bits) - 1);
  return (((home >>> (bits - 16)) << 16) | middle) >>> 0;
}

export class EmailIndex {
  #bits = MIN_BITS;
  #mask = (1 << MIN_BITS) - 1;
  #limit = Math.floor((1 << MIN_BITS) * MAX_LOAD);
  /** Bits 0-31 of each hash. */
  #low = new Uint32Array(1 << MIN_BITS);
  /** Bits 32-47 of each hash. */
  #middle = new Uint16Array(1 << MIN_BITS);
  /** 0: empty slot; d: the entry sits d - 1 slots after its home. */
  #distance = new Uint8Array(1 << MIN_BITS);
  #size = 0;

  /** Number of distinct emails added. */
  get size(): number {
    return this.#size;
  }

  /** Memory held by the table, in bytes. */
  get bytesUsed(): number {
    return this.#low.byteLength + this.#middle.byteLength + this.#distance.byteLength;
  }

  /**
   * Records an email, as found in `ContactProfile.email` (trimmed and lower-cased: the index
   * compares exact strings). Returns true when it was already seen.
   */
  add(email: string): boolean {
    hash64(email);
    const high = hashHigh;
    const low = hashLow;
    if (this.#find(high, low)) return true;
    if (this.#size + 1 > this.#limit) this.#grow();
    this.#insert(high, low);
    this.#size++;
    return false;
  }

  /** True when the email was added before. */
  has(email: string): boolean {
    hash64(email);
    return this.#find(hashHigh, hashLow);
  }

  #find(high: number, low: number): boolean {
    const mask = this.#mask;
    const distances = this.#distance;
    const middle = high & 0xffff;
    let slot = high >>> (32 - this.#bits);
    for (let d = 1; ; d++) {
      const stored = distances[slot] as number;
      // Robin Hood order: past a slot closer to its home than we are, the hash cannot be.
      if (stored < d) return false;
      if (stored === d && this.#low[slot] === low && this.#middle[slot] === middle) return true;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * The high 32 bits of the hash stored in a slot: the top 16 from its home slot (the top
   * `bits` bits of the hash, bits >= 16), the next 16 from the middle array.
   */
  #highOf(slot: number, distance: number, middle: number): number {
    return highOf(slot, distance, middle, this.#bits);
  }

  /** Robin Hood insertion of a hash that is not in the table. */
  #insert(high: number, low: number): void {
    const mask = this.#mask;
    const distances = this.#distance;
    const lows = this.#low;
    const middles = this.#middle;
    let middle = high & 0xffff;
    let slot = high >>> (32 - this.#bits);
    let d = 1;
    for (;;) {
      const stored = distances[slot] as number;
      if (stored === 0) {
        distances[slot] = d;
        lows[slot] = low;
        middles[slot] = middle;
        return;
      }
      if (stored < d) {
        // Take the slot from an entry nearer its home, and carry that entry on.
        const takenLow = lows[slot] as number;
        const takenMiddle = middles[slot] as number;
        distances[slot] = d;
        lows[slot] = low;
        middles[slot] = middle;
        low = takenLow;
        middle = takenMiddle;
        d = stored;
      }
      slot = (slot + 1) & mask;
      d++;
      if (d > MAX_DISTANCE) {
        // A run too long for the distance byte: double the table, then place the carried entry.
        const carriedHigh = this.#highOf(slot, d, middle);
        this.#grow();
        this.#insert(carriedHigh, low);
        return;
      }
    }
  }

  /** Doubles the table and moves every entry to its new home. */
  #grow(): void {
    const oldBits = this.#bits;
    if (oldBits >= MAX_BITS) throw new Error('Too many distinct emails for the duplicate index.');
    const oldLow = this.#low;
    const oldMiddle = this.#middle;
    const oldDistance = this.#distance;
    const count = oldDistance.length;
    const capacity = count * 2;
    this.#bits = oldBits + 1;
    this.#mask = capacity - 1;
    this.#limit = Math.floor(capacity * MAX_LOAD);
    this.#low = new Uint32Array(capacity);
    this.#middle = new Uint16Array(capacity);
    this.#distance = new Uint8Array(capacity);
    for (let slot = 0; slot < count; slot++) {
      const d = oldDistance[slot] as number;
      if (d === 0) continue;
      // #insert takes the full high half, so a nested doubling (a long run) stays correct.
      this.#insert(highOf(slot, d, oldMiddle[slot] as number, oldBits), oldLow[slot] as number);
    }
  }
}
