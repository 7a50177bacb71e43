/**
 * The emails seen so far in a file, for duplicate detection, in at most 16 bytes per distinct
 * email whatever the file size (no strings are kept).
 *
 * How: each email is hashed to 64 bits (two cross-mixed MurmurHash3 lanes over its UTF-16 code
 * units). The hash's top 4 bits choose one of 16 parts; each part is a Robin Hood
 * open-addressing hash table of 2^k slots (k >= 12), in one byte array (a slot's bytes sit
 * together: a look-up touches one cache line, not three). The next k bits of the hash choose its
 * home slot in the part, and a slot stores its distance from home (1 byte) and the hash bits
 * that the part and the home slot do not give: the low 48 bits in 7 bytes while k < 20, the low
 * 40 bits in 6 bytes from k = 20 (4 + 20 bits come from the part and the home). So the full
 * 64-bit hash is known from the part, the slot's position (home = slot - distance) and what it
 * stores: look-ups compare whole 64-bit hashes, and growing needs no email. A part doubles alone
 * when it is 7/8 full, so it is never less than 7/16 full: 7 bytes / (7/16) = 16 bytes per email
 * at most (beyond the first 57,344 emails, below which the parts keep their fixed minimum of
 * 448 KiB in all; 6 / (7/16) = 13.7 bytes beyond about 7.3 million). Parts growing one at a
 * time keep the moment of growth small: the old and the new table of one part are alive
 * together, never the whole index twice, and the old one is freed at once (`release`).
 *
 * False positives: a new email is taken for a seen one only when two different emails share all
 * 64 hash bits. For n distinct emails the chance that this happens at all in a file is about
 * n² / 2^65: 2.7e-8 for 1 million emails, 2.7e-6 for 10 million. The hash is not
 * cryptographic; files are the user's own, not an adversary's.
 */

/** Parts: the top PART_BITS bits of a hash choose its part. */
const PART_BITS = 4;
const PARTS = 1 << PART_BITS;
/** Slots of a part: 2^MIN_BITS at first; home slot bits + PART_BITS >= 16 (see `highOf`). */
const MIN_BITS = 12;
const MAX_BITS = 26;
/**
 * Bytes per slot: distance (1), the middle bits of the hash (bits 32-47, 2 bytes; from
 * COMPACT_BITS slots up, bits 32-39, 1 byte), bits 0-31 (4), little endian.
 */
const WIDE_SLOT_BYTES = 7;
const COMPACT_SLOT_BYTES = 6;
/** From 2^COMPACT_BITS slots, PART_BITS + COMPACT_BITS = 24 top bits come from the position. */
const COMPACT_BITS = 20;
/** Grow when more than 7/8 of the slots are used. */
const MAX_LOAD = 0.875;
/** Largest distance from home a slot records (the distance byte stores distance + 1). */
const MAX_DISTANCE = 254;

/** hash64's result: [high, low] (a typed array, so storing it allocates nothing). */
const hashOut = new Uint32Array(2);

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
  return [hashOut[0]!, hashOut[1]!];
}

/** The same hash written into `out[at]` (high 32 bits) and `out[at + 1]` (low): no allocation. */
export function emailHash64Into(text: string, out: Uint32Array, at: number): void {
  hash64(text);
  out[at] = hashOut[0]!;
  out[at + 1] = hashOut[1]!;
}

// The same hash of a text given piece by piece, so a text made of many parts (a contact's
// digest text) need not be built: textHashStart, then textHashChar / textHashString for each
// piece in order, then textHashEnd. One text at a time (module state, no object). The state is
// an Int32Array, not `let` variables: a module variable holding an int32 outside the small
// integer range is a heap number, and every store of one allocates (about 5 KB a contact, which
// the check and a re-import paid in collections and peak memory).
const stream = new Int32Array(4);
const H1 = 0;
const H2 = 1;
const PENDING = 2;
const LENGTH = 3;

export function textHashStart(): void {
  stream[H1] = 0x9747b28c;
  stream[H2] = 0x5bd1e995;
  stream[PENDING] = -1;
  stream[LENGTH] = 0;
}

/** The next UTF-16 code unit of the text. */
export function textHashChar(code: number): void {
  stream[LENGTH] = stream[LENGTH]! + 1;
  const pending = stream[PENDING]!;
  if (pending < 0) {
    stream[PENDING] = code;
    return;
  }
  const block = pending | (code << 16);
  stream[PENDING] = -1;
  let h1 = stream[H1]!;
  let h2 = stream[H2]!;
  h1 ^= Math.imul(rotl(Math.imul(block, 0xcc9e2d51), 15), 0x1b873593);
  h1 = (Math.imul(rotl(h1, 13), 5) + 0xe6546b64) | 0;
  h2 ^= Math.imul(rotl(Math.imul(block, 0x1b873593), 17), 0xcc9e2d51);
  h2 = (Math.imul(rotl(h2, 15), 5) + 0x38495ab5) | 0;
  stream[H1] = h1;
  stream[H2] = h2;
}

export function textHashString(text: string): void {
  for (let i = 0; i < text.length; i += 1) textHashChar(text.charCodeAt(i));
}

/** The hash of the text given since `textHashStart`, as `emailHash64Into` writes it. */
export function textHashEnd(out: Uint32Array, at: number): void {
  let h1 = stream[H1]!;
  let h2 = stream[H2]!;
  const pending = stream[PENDING]!;
  if (pending >= 0) {
    const block = pending;
    h1 ^= Math.imul(rotl(Math.imul(block, 0xcc9e2d51), 15), 0x1b873593);
    h2 ^= Math.imul(rotl(Math.imul(block, 0x1b873593), 17), 0xcc9e2d51);
  }
  const length = stream[LENGTH]!;
  h1 ^= length;
  h2 ^= length;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  out[at] = h1 >>> 0;
  out[at + 1] = h2 >>> 0;
}

/** 64-bit hash of `text` into `hashOut` (no allocation). */
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
  hashOut[0] = h1 >>> 0;
  hashOut[1] = h2 >>> 0;
}

/**
 * The high 32 bits of the hash held in `slot` of part `part` (its top PART_BITS bits) of 2^bits
 * slots: the top ones from the part and the home slot (the next `bits` bits of the hash), the
 * low `middleBits` (16, or 8 from COMPACT_BITS up) from `middle`.
 */
function highOf(
  part: number,
  slot: number,
  distance: number,
  middle: number,
  bits: number,
): number {
  const home = (slot - (distance - 1)) & ((1 << bits) - 1);
  const middleBits = bits >= COMPACT_BITS ? 8 : 16;
  const homeBits = 32 - PART_BITS - middleBits;
  return ((part << 28) | ((home >>> (bits - homeBits)) << middleBits) | middle) >>> 0;
}

/** A Robin Hood table of 2^bits slots of `slotBytes` bytes. */
class Part {
  bits = MIN_BITS;
  mask = (1 << MIN_BITS) - 1;
  limit = Math.floor((1 << MIN_BITS) * MAX_LOAD);
  size = 0;
  slotBytes = WIDE_SLOT_BYTES;
  /** The middle bits a slot stores: 0xffff (2 bytes), or 0xff (1 byte) when compact. */
  middleMask = 0xffff;
  slots = new Uint8Array((1 << MIN_BITS) * WIDE_SLOT_BYTES);
}

export class EmailIndex {
  readonly #parts: Part[] = [];
  #size = 0;
  /** Hashes of the list being added by `addAll`. */
  #highs = new Uint32Array(0);
  #lows = new Uint32Array(0);

  constructor() {
    for (let p = 0; p < PARTS; p++) this.#parts.push(new Part());
  }

  /** Number of distinct emails added. */
  get size(): number {
    return this.#size;
  }

  /** Memory held by the tables, in bytes. */
  get bytesUsed(): number {
    let bytes = 0;
    for (const part of this.#parts) bytes += part.slots.byteLength;
    return bytes;
  }

  /**
   * Records an email, as found in `ContactProfile.email` (trimmed and lower-cased: the index
   * compares exact strings). Returns true when it was already seen.
   */
  add(email: string): boolean {
    hash64(email);
    return this.#addHash(hashOut[0]!, hashOut[1]!);
  }

  /**
   * Records the first `count` emails of `emails` in order, exactly as `add` called on each
   * would, and sets `repeated[i]` to 1 when `emails[i]` was already seen (earlier in the list
   * included), 0 otherwise. Quicker than `add` one by one: the slots of all the emails are read
   * before any is compared, so the processor waits for those memory reads together rather than
   * one after the other (the table is far larger than the processor's caches).
   */
  addAll(emails: readonly string[], count: number, repeated: Uint8Array): void {
    if (this.#highs.length < count) {
      this.#highs = new Uint32Array(count * 2);
      this.#lows = new Uint32Array(count * 2);
    }
    const highs = this.#highs;
    const lows = this.#lows;
    const parts = this.#parts;
    for (let i = 0; i < count; i++) {
      hash64(emails[i] as string);
      highs[i] = hashOut[0]!;
      lows[i] = hashOut[1]!;
    }
    // Read each home slot now (the value is not needed) in a loop with nothing else in it, so
    // that the processor has many of these reads under way at once.
    let touched = 0;
    for (let i = 0; i < count; i++) {
      const high = highs[i] as number;
      const part = parts[high >>> 28] as Part;
      touched ^= part.slots[((high << PART_BITS) >>> (32 - part.bits)) * part.slotBytes] as number;
    }
    // Keep the reads from being optimized away: their result goes where the first answer is
    // written next.
    if (count > 0) repeated[0] = touched;
    for (let i = 0; i < count; i++) {
      repeated[i] = this.#addHash(highs[i] as number, lows[i] as number) ? 1 : 0;
    }
  }

  #addHash(high: number, low: number): boolean {
    const part = this.#parts[high >>> 28] as Part;
    if (find(part, high, low)) return true;
    if (part.size + 1 > part.limit) grow(part, high >>> 28);
    insert(part, high >>> 28, high, low);
    part.size++;
    this.#size++;
    return false;
  }

  /** True when the email was added before. */
  has(email: string): boolean {
    hash64(email);
    return find(this.#parts[hashOut[0]! >>> 28] as Part, hashOut[0]!, hashOut[1]!);
  }
}

function find(part: Part, high: number, low: number): boolean {
  const bits = part.bits;
  const mask = part.mask;
  const slots = part.slots;
  const slotBytes = part.slotBytes;
  const lowAt = slotBytes - 4; // the low 32 bits are a slot's last 4 bytes
  const middleLow = high & 0xff;
  const middleHigh = slotBytes === WIDE_SLOT_BYTES ? (high >>> 8) & 0xff : -1;
  let slot = (high << PART_BITS) >>> (32 - bits);
  for (let d = 1; ; d++) {
    const at = slot * slotBytes;
    const stored = slots[at] as number;
    // Robin Hood order: past a slot closer to its home than we are, the hash cannot be.
    if (stored < d) return false;
    if (
      stored === d &&
      slots[at + 1] === middleLow &&
      (middleHigh < 0 || slots[at + 2] === middleHigh) &&
      ((slots[at + lowAt] as number) |
        ((slots[at + lowAt + 1] as number) << 8) |
        ((slots[at + lowAt + 2] as number) << 16) |
        ((slots[at + lowAt + 3] as number) << 24)) ===
        (low | 0)
    ) {
      return true;
    }
    slot = (slot + 1) & mask;
  }
}

/** Robin Hood insertion of a hash that is not in the part (number `index`). */
function insert(part: Part, index: number, high: number, low: number): void {
  const mask = part.mask;
  const slots = part.slots;
  const slotBytes = part.slotBytes;
  const wide = slotBytes === WIDE_SLOT_BYTES;
  let middle = high & part.middleMask;
  let slot = (high << PART_BITS) >>> (32 - part.bits);
  let d = 1;
  for (;;) {
    const at = slot * slotBytes;
    const stored = slots[at] as number;
    if (stored === 0) {
      writeSlot(slots, at, wide, d, middle, low);
      return;
    }
    if (stored < d) {
      // Take the slot from an entry nearer its home, and carry that entry on.
      const takenMiddle = readMiddle(slots, at, wide);
      const takenLow = readLow(slots, at + slotBytes - 4);
      writeSlot(slots, at, wide, d, middle, low);
      low = takenLow;
      middle = takenMiddle;
      d = stored;
    }
    slot = (slot + 1) & mask;
    d++;
    if (d > MAX_DISTANCE) {
      // A run too long for the distance byte: double the part, then place the carried entry.
      const carriedHigh = highOf(index, slot, d, middle, part.bits);
      grow(part, index);
      insert(part, index, carriedHigh, low);
      return;
    }
  }
}

function readMiddle(slots: Uint8Array, at: number, wide: boolean): number {
  return wide
    ? (slots[at + 1] as number) | ((slots[at + 2] as number) << 8)
    : (slots[at + 1] as number);
}

function readLow(slots: Uint8Array, at: number): number {
  return (
    (slots[at] as number) |
    ((slots[at + 1] as number) << 8) |
    ((slots[at + 2] as number) << 16) |
    ((slots[at + 3] as number) << 24)
  );
}

function writeSlot(
  slots: Uint8Array,
  at: number,
  wide: boolean,
  d: number,
  middle: number,
  low: number,
): void {
  slots[at] = d;
  slots[at + 1] = middle;
  let lowAt = at + 2;
  if (wide) {
    slots[at + 2] = middle >>> 8;
    lowAt = at + 3;
  }
  slots[lowAt] = low;
  slots[lowAt + 1] = low >>> 8;
  slots[lowAt + 2] = low >>> 16;
  slots[lowAt + 3] = low >>> 24;
}

/** Doubles a part (compact slots from 2^COMPACT_BITS) and moves each entry to its new home. */
function grow(part: Part, index: number): void {
  const oldBits = part.bits;
  if (oldBits >= MAX_BITS) throw new Error('Too many distinct emails for the duplicate index.');
  const old = part.slots;
  const oldSlotBytes = part.slotBytes;
  const oldWide = oldSlotBytes === WIDE_SLOT_BYTES;
  const count = 1 << oldBits;
  const capacity = count * 2;
  part.bits = oldBits + 1;
  part.mask = capacity - 1;
  part.limit = Math.floor(capacity * MAX_LOAD);
  if (part.bits >= COMPACT_BITS) {
    part.slotBytes = COMPACT_SLOT_BYTES;
    part.middleMask = 0xff;
  }
  part.slots = new Uint8Array(capacity * part.slotBytes);
  for (let slot = 0; slot < count; slot++) {
    const at = slot * oldSlotBytes;
    const d = old[at] as number;
    if (d === 0) continue;
    const middle = readMiddle(old, at, oldWide);
    const low = readLow(old, at + oldSlotBytes - 4);
    // insert takes the full high half, so a nested doubling (a long run) stays correct.
    insert(part, index, highOf(index, slot, d, middle, oldBits), low >>> 0);
  }
  release(old);
}

/**
 * Frees a table's memory soon. The table belongs to a long-lived index, so the garbage collector
 * would free it only at its next full collection, which may come long after (old tables of all
 * 16 parts waiting together would add up to half the index). Its memory is handed over to a
 * new, short-lived buffer instead, which the next young-generation collection (every few
 * milliseconds in a scan) frees.
 */
function release(table: Uint8Array): void {
  const memory = table.buffer as ArrayBuffer; // never a SharedArrayBuffer: made by `grow`
  structuredClone(memory, { transfer: [memory] });
}
