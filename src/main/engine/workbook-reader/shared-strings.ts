/**
 * The workbook's shared strings (most text cells point into this list) in a compact store: one
 * UTF-8 buffer and the end offset of each string, so a million strings cost their bytes plus 4
 * bytes each instead of a million JS strings.
 */
export class SharedStrings {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private ends = new Uint32Array(1024);
  private size = 0;

  get count(): number {
    return this.size;
  }

  add(text: string): void {
    const needed = Buffer.byteLength(text, 'utf8');
    if (this.used + needed > this.bytes.length) {
      let length = this.bytes.length * 2;
      while (length < this.used + needed) length *= 2;
      const grown = Buffer.allocUnsafe(length);
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.used += this.bytes.write(text, this.used, 'utf8');
    if (this.size === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.size++] = this.used;
  }

  /** The string at `index`, or undefined when the workbook has none there. */
  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) return undefined;
    const start = index === 0 ? 0 : this.ends[index - 1]!;
    return this.bytes.toString('utf8', start, this.ends[index]!);
  }
}
