// The shared strings store: every string read back exactly, across page ends, with multi-byte
// text, empty strings and strings too long for a page's quarter.
import { describe, expect, it } from 'vitest';
import { SharedStrings } from '../../src/main/engine/workbook-reader/shared-strings';
import { seededRandom } from '../integration/reliability-support';

describe('SharedStrings', () => {
  it('gives back every string as added, over several pages', () => {
    const random = seededRandom(7);
    const pieces = ['a', 'é', '北京', '🎉', 'x'.repeat(1000), ' ', '"<&>"'];
    const added: string[] = [];
    const store = new SharedStrings();
    let bytes = 0;
    while (bytes < 3.5 * 1024 * 1024) {
      const kind = random();
      let text = '';
      if (kind < 0.02) text = '';
      else if (kind < 0.03)
        text = 'long note '.repeat(40_000); // 400 KB: kept as a JS string
      else if (kind < 0.06)
        text = 'y'.repeat(200_000 + Math.floor(random() * 60_000)); // near a quarter page
      else {
        const n = 1 + Math.floor(random() * 12);
        for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
      }
      store.add(text);
      added.push(text);
      bytes += Buffer.byteLength(text);
    }
    expect(store.count).toBe(added.length);
    for (let i = 0; i < added.length; i++) {
      if (store.get(i) !== added[i]) expect({ i, got: store.get(i) }).toEqual({ i, got: added[i] });
    }
    expect(store.get(added.length)).toBeUndefined();
    expect(store.get(-1)).toBeUndefined();
    expect(store.get(1.5)).toBeUndefined();
  });

  it('a string that ends a page exactly, then the next on a fresh page', () => {
    const store = new SharedStrings();
    // Three quarter pages, then 2 bytes short of the page's end, then 'é' (2 bytes) ends it.
    const quarter = 'q'.repeat(256 * 1024);
    const texts = [quarter, quarter, quarter, 'b'.repeat(256 * 1024 - 2), 'é', 'c', 'é'];
    for (const t of texts) store.add(t);
    texts.forEach((t, i) => expect(store.get(i)).toBe(t));
  });
});
