/**
 * The workbook's shared strings (most text cells point into this list) in a compact store: their
 * UTF-8 bytes in pages of 1 MiB and the end offset of each string, so a million strings cost their
 * bytes plus 4 bytes each instead of a million JS strings. Pages, not one buffer that doubles: a
 * doubling buffer holds its old and new copies at once when it grows (three times the strings'
 * bytes), the pages never more than the bytes and one page.
 *
 * A string never spans two pages: one that does not fit the rest of a page starts the next one
 * (its start is then the page's first byte, found from its end). A string longer than a quarter
 * page (rare: a note, a long address) is kept as a JS string.
 */
const PAGE_BITS = 20;
const PAGE_BYTES = 1 << PAGE_BITS;
const LONG_BYTES = PAGE_BYTES / 4;
/** The end offsets, in blocks of this many (no copy when they grow either). */
const ENDS_BITS = 16;
const ENDS_BLOCK = 1 << ENDS_BITS;

export class SharedStrings {
  private readonly pages: Buffer[] = [];
  /** Global offset of the next byte: page * PAGE_BYTES + offset in the page. */
  private used = 0;
  private readonly ends: Uint32Array[] = [];
  private size = 0;
  private readonly long = new Map<number, string>();

  get count(): number {
    return this.size;
  }

  add(text: string): void {
    const index = this.size;
    const needed = Buffer.byteLength(text, 'utf8');
    if (needed > LONG_BYTES) {
      this.long.set(index, text);
    } else if (needed > 0) {
      const offset = this.used & (PAGE_BYTES - 1);
      if (
        offset + needed > PAGE_BYTES ||
        this.pages.length === 0 ||
        (offset === 0 && this.used > 0)
      )
        this.startPage(offset);
      const page = this.pages[this.pages.length - 1]!;
      this.used += page.write(text, this.used & (PAGE_BYTES - 1), 'utf8');
    }
    if ((index & (ENDS_BLOCK - 1)) === 0) this.ends.push(new Uint32Array(ENDS_BLOCK));
    this.ends[index >>> ENDS_BITS]![index & (ENDS_BLOCK - 1)] = this.used;
    this.size += 1;
  }

  /** The string at `index`, or undefined when the workbook has none there. */
  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) return undefined;
    const end = this.endOf(index);
    let start = index === 0 ? 0 : this.endOf(index - 1);
    if (start === end) return this.long.get(index) ?? '';
    // Moved to the next page: it starts where the page of its last byte begins.
    const lastPage = (end - 1) >>> PAGE_BITS;
    if (start >>> PAGE_BITS !== lastPage) start = lastPage * PAGE_BYTES;
    const page = this.pages[lastPage]!;
    const base = lastPage * PAGE_BYTES;
    return page.toString('utf8', start - base, end - base);
  }

  private endOf(index: number): number {
    return this.ends[index >>> ENDS_BITS]![index & (ENDS_BLOCK - 1)]!;
  }

  /** A new page; `used` moves to its first byte (past the rest of the current page, if any). */
  private startPage(offsetInPage: number): void {
    if (this.pages.length > 0 && offsetInPage !== 0) this.used += PAGE_BYTES - offsetInPage;
    this.pages.push(Buffer.allocUnsafe(PAGE_BYTES));
  }
}
