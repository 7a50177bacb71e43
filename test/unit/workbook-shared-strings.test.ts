// The shared strings store: every string read back exactly, across page ends, with multi-byte
// text, empty strings and strings too long for a page's quarter; in memory and once most pages
// went to the temporary file (read back in any order), which leaves nothing behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedStrings } from '../../src/main/engine/workbook-reader/shared-strings';
import { WorkbookError } from '../../src/main/engine/workbook-reader/workbook-error';
import { seededRandom } from '../integration/reliability-support';

const tempDir = mkdtempSync(join(tmpdir(), 'shared-strings-test-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function randomTexts(seed: number, totalBytes: number): string[] {
  const random = seededRandom(seed);
  const pieces = ['a', 'é', '北京', '🎉', 'x'.repeat(1000), ' ', '"<&>"'];
  const texts: string[] = [];
  let bytes = 0;
  while (bytes < totalBytes) {
    const kind = random();
    let text = '';
    if (kind < 0.02) text = '';
    else if (kind < 0.03)
      text = 'long note '.repeat(2_000); // 20 KB: over a quarter page, kept as a JS string
    else if (kind < 0.06)
      text = 'y'.repeat(15_000 + Math.floor(random() * 2_000)); // near a quarter page
    else {
      const n = 1 + Math.floor(random() * 12);
      for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
    }
    texts.push(text);
    bytes += Buffer.byteLength(text);
  }
  return texts;
}

function expectAll(store: SharedStrings, texts: readonly string[], order: readonly number[]): void {
  for (const i of order) {
    if (store.get(i) !== texts[i]) expect({ i, got: store.get(i) }).toEqual({ i, got: texts[i] });
  }
}

describe('SharedStrings', () => {
  it('gives back every string as added, over several pages', () => {
    const texts = randomTexts(7, 3.5 * 1024 * 1024);
    const store = new SharedStrings({ tempDir });
    for (const text of texts) store.add(text);
    expect(store.count).toBe(texts.length);
    expect(store.pagesInFile).toBe(0);
    expectAll(store, texts, [...texts.keys()]);
    expect(store.get(texts.length)).toBeUndefined();
    expect(store.get(-1)).toBeUndefined();
    expect(store.get(1.5)).toBeUndefined();
    store.close();
  });

  it('keeps only its memory budget of pages, the rest in a temporary file, read back in any order', () => {
    const texts = randomTexts(11, 6 * 1024 * 1024);
    const store = new SharedStrings({ memoryBytes: 256 * 1024, tempDir });
    for (const text of texts) store.add(text);
    // Six MiB of strings, 256 KiB in memory: nearly every page went to the file.
    expect(store.pagesInFile).toBeGreaterThan(60);
    // Nothing named in the folder, even while the file is open (removed as soon as opened).
    expect(readdirSync(tempDir)).toEqual([]);
    const random = seededRandom(3);
    const shuffled = [...texts.keys()];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expectAll(store, texts, [...texts.keys()]); // in order, as rows use them
    expectAll(store, texts, shuffled); // and at random, past the cache
    store.close();
    expect(store.get(0)).toBeUndefined();
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('a string that ends a page exactly, then the next on a fresh page', () => {
    const store = new SharedStrings({ memoryBytes: 0, tempDir });
    // Entries of a 2-byte length and 16,382 bytes: four fill a 64 KiB page exactly, then 'é'.
    const quarter = 'q'.repeat(16_382);
    const texts = [quarter, quarter, quarter, 'b'.repeat(16_382), 'é', 'c', '', 'é'];
    for (let round = 0; round < 5; round++) for (const t of texts) store.add(t);
    for (let i = 0; i < texts.length * 5; i++) expect(store.get(i)).toBe(texts[i % texts.length]);
    store.close();
  });

  it('says in plain words when its temporary folder cannot be used, and what to do', () => {
    const missing = join(tempDir, 'no-such-folder');
    const store = new SharedStrings({ memoryBytes: 0, tempDir: missing });
    let error: unknown = null;
    try {
      for (let i = 0; i < 10_000; i++) store.add(`person.${i}@example.com`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as WorkbookError).code).toBe('file_unreadable');
    expect((error as WorkbookError).message).toContain(missing);
    expect((error as WorkbookError).message).toContain('(ENOENT)');
    expect((error as WorkbookError).message).toMatch(/Free some space there, or point TMPDIR/);
    store.close();
  });
});
