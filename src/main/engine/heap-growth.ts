/**
 * How far V8 lets the heap grow between full collections. A scan or an import allocates a great
 * deal that dies soon after (rows, cells, contacts), and some of it lives just long enough to be
 * moved to the old generation; by default V8 then lets the old generation grow to up to four
 * times what was alive after the last full collection before it collects again. With a million
 * rows, that left the process holding 380 MB for an unchanged re-import whose live data is under
 * 100 MB. A growing factor of 1.2 collects sooner: 240 MB for the same run, about the same time
 * (bench:ledger, bench:workbook; docs/performance.md).
 *
 * The flag is read at each full collection, so it takes effect when set after start-up (Node's
 * `v8.setFlagsFromString`; the flag cannot be given in NODE_OPTIONS). The CLI and the desktop
 * app's main process (whose engine worker shares the process's V8 flags) set it first thing.
 */
import { setFlagsFromString } from 'node:v8';

/** The heap may grow by a fifth of what was alive after the last full collection. */
export const HEAP_GROWING_PERCENT = 20;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
