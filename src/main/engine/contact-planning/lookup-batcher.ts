/**
 * Looks up many emails with one request: GET people/profiles with an email filter listing up to
 * `batchSize` emails (one page of up to 50 results). Off by default: that Crisp's search takes
 * several values in one `query` array is not confirmed (crisp-api.md §4.7), so this checks
 * itself and switches off for good when the answers do not add up:
 * - a batch that returns a profile for an email not asked for, or more profiles than emails,
 *   or fails, is not trusted (its emails are looked up one by one);
 * - an email the batch said was new but that meets 409 on create counts as a miss; after
 *   `maxMisses` misses, batching stops.
 * Correctness never rests on a batch: "exists" comes with the profile itself, and "new" is
 * checked by the create (409 leads to the usual read and update).
 */
import type { PeopleProfile } from '../crisp-client';

/** Crisp serves at least this many profiles a page (per_page is clamped to 20-50). */
const MIN_PAGE = 20;

/** A profile found (as Crisp returned it), null when Crisp has none, 'unknown' to look up alone. */
export type BatchLookup = PeopleProfile | null | 'unknown';

export interface LookupBatcherOptions {
  /** Emails per request. Default 25 (keeps the URL short). At most 50 (one page). */
  batchSize?: number;
  /**
   * How long the first email of a batch waits for company. Default 1 s: a batch fills only as
   * fast as contacts arrive, so keep at least 2 × batchSize contacts in flight.
   */
  maxWaitMs?: number;
  /** Misses (409 after "new") before batching stops. Default 1: any disagreement. */
  maxMisses?: number;
}

interface Pending {
  email: string;
  resolve: (result: { profile: BatchLookup; share: number }) => void;
}

export class LookupBatcher {
  private readonly batchSize: number;
  private readonly maxWaitMs: number;
  private readonly maxMisses: number;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private misses = 0;
  private disabledReason: string | null = null;

  /**
   * @param search sends one search for the emails and returns the profiles and how many
   *   requests it took (retries included).
   */
  constructor(
    private readonly search: (
      emails: string[],
    ) => Promise<{ profiles: PeopleProfile[]; requests: number }>,
    options: LookupBatcherOptions = {},
  ) {
    this.batchSize = Math.min(50, Math.max(1, options.batchSize ?? 25));
    this.maxWaitMs = options.maxWaitMs ?? 1_000;
    this.maxMisses = options.maxMisses ?? 1;
  }

  get size(): number {
    return this.batchSize;
  }

  get enabled(): boolean {
    return this.disabledReason === null;
  }

  /** Why batching stopped, in plain words; null while it works. */
  get stoppedBecause(): string | null {
    return this.disabledReason;
  }

  /**
   * The profile for `email`, and what it cost this email: the whole search request for the first
   * email of a batch, nothing for the others (journals count whole requests).
   */
  lookup(email: string): Promise<{ profile: BatchLookup; share: number }> {
    if (!this.enabled) return Promise.resolve({ profile: 'unknown', share: 0 });
    return new Promise((resolve) => {
      this.queue.push({ email, resolve });
      if (this.queue.length >= this.batchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** The batch said `email` was new, but creating it met 409. */
  noteMiss(): void {
    this.misses += 1;
    if (this.misses >= this.maxMisses) this.disable('Crisp’s search missed contacts that exist');
  }

  /** Answers every waiting lookup with 'unknown' (the sender is closing). */
  close(): void {
    this.disable('the import stopped');
  }

  private disable(reason: string): void {
    this.disabledReason ??= reason;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const waiting = this.queue.splice(0);
    for (const item of waiting) item.resolve({ profile: 'unknown', share: 0 });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0, this.batchSize);
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    if (batch.length === 0) return;
    const emails = [...new Set(batch.map((item) => item.email))];
    this.search(emails).then(
      ({ profiles, requests }) => {
        const byEmail = new Map<string, PeopleProfile>();
        let trusted = profiles.length <= emails.length;
        for (const profile of profiles) {
          const email = profile.email.trim().toLowerCase();
          if (!emails.includes(email) || byEmail.has(email)) trusted = false;
          byEmail.set(email, profile);
        }
        if (!trusted) this.disable('Crisp’s search answered profiles that were not asked for');
        // A page as long as the shortest Crisp serves may be cut short: the emails it does not
        // show are not known to be new.
        const maybeCut = profiles.length >= MIN_PAGE && profiles.length < emails.length;
        batch.forEach((item, index) => {
          const found = byEmail.get(item.email);
          const profile = !trusted ? 'unknown' : (found ?? (maybeCut ? 'unknown' : null));
          // The search is one request: charged to the first contact of the batch.
          item.resolve({ profile, share: index === 0 ? requests : 0 });
        });
      },
      (error: unknown) => {
        // Crisp refused or could not answer the search: look these emails up one by one.
        const words = error instanceof Error ? error.message : String(error);
        this.disable(`Crisp’s search failed: ${words}`);
        for (const item of batch) item.resolve({ profile: 'unknown', share: 0 });
      },
    );
  }
}
