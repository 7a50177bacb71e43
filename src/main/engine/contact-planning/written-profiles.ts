/**
 * What this import already wrote to Crisp, by email, so a second row for the same email is
 * merged locally: Crisp's GET may be served from a cache and miss our own write.
 *
 * Bound: `capacity` entries (default 20,000, about two days of a website token's quota; an entry
 * is a few hundred bytes, so a few MB). Least recently used entries are dropped first.
 * Fallback for a dropped email: it is treated like any email not seen yet (looked up or created,
 * then merged with what Crisp returns). By then thousands of requests have passed, far longer
 * than Crisp's read cache is expected to hold an old copy.
 */
import type { KnownProfile } from './profile-merge';

export const DEFAULT_WRITTEN_CAPACITY = 20_000;

export class WrittenProfiles {
  private readonly entries = new Map<string, KnownProfile>();

  constructor(readonly capacity = DEFAULT_WRITTEN_CAPACITY) {}

  get(email: string): KnownProfile | undefined {
    const entry = this.entries.get(email);
    if (entry) {
      this.entries.delete(email);
      this.entries.set(email, entry);
    }
    return entry;
  }

  set(email: string, profile: KnownProfile): void {
    this.entries.delete(email);
    this.entries.set(email, profile);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(email: string): void {
    this.entries.delete(email);
  }

  get size(): number {
    return this.entries.size;
  }
}
