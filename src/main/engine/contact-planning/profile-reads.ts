/**
 * How an import learns what Crisp holds for the emails it has not written yet: its read plan,
 * chosen per import from Crisp's own answers, then checked against them all along.
 *
 * - Listing: when the website's people/stats total is small beside the contacts to send
 *   (listing it, 50 profiles a page, costs at most a quarter of searching 25 contacts a request),
 *   the whole website is listed once: an email not in a complete listing is new (created with no
 *   read), a listed one exists.
 * - Batched search: the other emails are looked up 25 at a time with one search request
 *   (lookup-batcher.ts). Crisp's multi-value email search is unconfirmed (crisp-api.md §4.7).
 * - Single reads: the sender's own plan (create first or look up first, request-planner.ts).
 *
 * Trust, checked at run time: a bulk answer is trusted only while it agrees with what single
 * reads and creates show. A create that meets 409 for an email a listing or a search called new,
 * a search answering profiles nobody asked for, or a profile whose search copy differs from a
 * single read of it (spot checks on the first batches, then one batch in 20) stops that source
 * for the rest of the import, with a line saying why; the import carries on with single reads.
 * A listing with fewer profiles than the total (pages capped) is used only for what it found.
 *
 * Freshness: a profile read in bulk is used for a write (its segments are replaced by the union,
 * its person and company sent whole) only within `freshMs` (default 15 s) of the read; an older
 * copy (a listing made at the start of a long import) is read again first. A search copy is used
 * at once (the contact was waiting for it), so the window in which a segment added in Crisp could
 * be overwritten is that of a single read followed by its write.
 */
import type { PeopleProfile } from '../crisp-client';
import { LookupBatcher, type LookupBatcherOptions } from './lookup-batcher';
import { sameJson, type KnownProfile } from './profile-merge';

/** The requests the read plan needs, sent by the sender (rate, quota, retries). */
export interface ProfileReadRequests {
  /** GET people/stats: how many profiles the website holds. Returns the requests it took. */
  stats(): Promise<{ total: number; requests: number }>;
  /** One page (1-based) of the website's profiles, 50 a page. */
  listPage(page: number): Promise<{ profiles: PeopleProfile[]; requests: number }>;
  /** One search for these emails. */
  search(emails: string[]): Promise<{ profiles: PeopleProfile[]; requests: number }>;
  /** GET people/profile/{email}; null when Crisp has none. */
  read(email: string): Promise<{ profile: KnownProfile | null; requests: number }>;
}

export type ProfileLookup =
  | { kind: 'found'; profile: KnownProfile; readAt: number; by: BulkSource }
  | { kind: 'absent'; by: BulkSource }
  /** Bulk reads know nothing: use single reads. */
  | { kind: 'unknown' };

export type BulkSource = 'listing' | 'search';

export interface ProfileReadsOptions {
  /** 'auto': listing or batched search, checked as above; 'batched'; 'single': no bulk read. */
  mode: 'auto' | 'batched' | 'single';
  /**
   * Contacts this import still expects to look up (emails it has not written and its ledger does
   * not know), asked when the plan is chosen; null or absent: unknown, nothing is listed.
   */
  expectedContacts?: () => number | null;
  /** Largest website listed (profiles). Default 20,000. */
  maxListed?: number;
  /** A bulk copy older than this is read again before a write. Default 15 s. */
  freshMs?: number;
  /** A contact written this long ago must show in a search as written. Default 2 s. */
  canaryAgeMs?: number;
  batch?: LookupBatcherOptions;
  /** Where a line goes when a bulk source stops (the job's log). */
  onStopped?: (why: string) => void;
  /** Monotonic clock, ms. */
  now?: () => number;
}

const LIST_PAGE_SIZE = 50;
/** Batches whose found profiles are checked with a single read: the first ones, then 1 in 20. */
const SPOT_CHECK_FIRST = 3;
const SPOT_CHECK_EVERY = 20;
/**
 * A contact written this long ago must show in a search as written. Search indexes refresh
 * about every second (so a younger write may not show yet); one that lags more than this could
 * hold an old copy of a contact someone just changed.
 */
const CANARY_AGE_MS = 2_000;

interface RecentWrite {
  email: string;
  profile: KnownProfile;
  at: number;
}

interface Listed {
  profile: KnownProfile;
  readAt: number;
}

export class ProfileReads {
  private readonly options: ProfileReadsOptions;
  private readonly now: () => number;
  private readonly freshMs: number;
  private readonly batcher: LookupBatcher | null;
  private deciding: Promise<void> | null = null;
  private decided = false;
  private listing: Map<string, Listed> | null = null;
  private listingComplete = false;
  private listingStopped: string | null = null;
  private searches = 0;
  private readonly recentWrites: RecentWrite[] = [];
  /** Requests of the plan itself (stats, listing) not charged to a contact yet. */
  private unbilled = 0;

  constructor(
    private readonly requests: ProfileReadRequests,
    options: ProfileReadsOptions,
  ) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.freshMs = options.freshMs ?? 15_000;
    this.batcher =
      options.mode === 'single'
        ? null
        : new LookupBatcher((emails) => this.searchChecked(emails), options.batch);
  }

  /** 'listing', 'batched' or 'single': what answers the next look-up. */
  get mode(): 'listing' | 'batched' | 'single' {
    if (this.listing && !this.listingStopped) return 'listing';
    return this.batcher?.enabled ? 'batched' : 'single';
  }

  /** Why bulk reads stopped (the search, then the listing), when they did. */
  get stoppedBecause(): string | null {
    return this.batcher?.stoppedBecause ?? this.listingStopped;
  }

  get batchSize(): number {
    return this.batcher?.size ?? 1;
  }

  /**
   * What bulk reads know of an email this import has not written. `requests` grows by what the
   * look-up cost this contact (a whole search request is charged to one contact of its batch).
   * `worthSearching`: the sender's guess that enough emails exist for a search to pay.
   */
  async lookup(
    email: string,
    tally: { requests: number },
    worthSearching: boolean,
  ): Promise<ProfileLookup> {
    if (this.options.mode === 'single') return { kind: 'unknown' };
    // The first look-up whose estimate is known decides; the others go by search meanwhile
    // (they do not wait for a listing of many pages, nor for a Crisp that does not answer).
    await this.decide();
    tally.requests += this.unbilled;
    this.unbilled = 0;
    if (this.listing && !this.listingStopped) {
      const listed = this.listing.get(email);
      if (listed) return { kind: 'found', ...listed, by: 'listing' };
      if (this.listingComplete) return { kind: 'absent', by: 'listing' };
    }
    if (!this.batcher?.enabled || (!worthSearching && !this.listing)) return { kind: 'unknown' };
    const { profile, share } = await this.batcher.lookup(email);
    tally.requests += share;
    if (profile === 'unknown') return { kind: 'unknown' };
    if (profile === null) return { kind: 'absent', by: 'search' };
    return { kind: 'found', profile: toKnown(profile), readAt: this.now(), by: 'search' };
  }

  /**
   * The profile to write over: the bulk copy while it is fresh, else read again (by search when
   * it is trusted, else singly). Null when the profile is gone from Crisp.
   */
  async fresh(
    email: string,
    found: Extract<ProfileLookup, { kind: 'found' }>,
    tally: { requests: number },
  ): Promise<KnownProfile | null> {
    if (this.now() - found.readAt <= this.freshMs) return found.profile;
    if (this.batcher?.enabled) {
      const { profile, share } = await this.batcher.lookup(email);
      tally.requests += share;
      if (profile !== 'unknown') return profile === null ? null : toKnown(profile);
    }
    const single = await this.requests.read(email);
    tally.requests += single.requests;
    return single.profile;
  }

  /** A create met 409 for an email `by` called new: that source is not trusted any more. */
  missed(by: BulkSource): void {
    if (by === 'search') {
      this.batcher?.noteMiss();
      return;
    }
    this.stopListing('Crisp holds a contact the website’s listing did not show');
  }

  close(): void {
    this.batcher?.close();
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Once per import, as soon as the contacts to look up can be estimated: lists the website when
   * that is worth it. Until then, look-ups go by search.
   */
  private async decide(): Promise<void> {
    if (this.decided || this.options.mode !== 'auto' || this.deciding) return;
    const expected = this.options.expectedContacts?.() ?? null;
    if (expected === null) return;
    this.deciding = this.chooseListing(expected)
      .catch((error: unknown) => {
        this.stopListing(`the website could not be listed (${(error as Error).message})`);
      })
      .finally(() => {
        this.decided = true;
      });
    // The contact that decides waits for the decision; the others do not.
    return this.deciding;
  }

  private async chooseListing(expected: number): Promise<void> {
    const stats = await this.requests.stats();
    this.unbilled += stats.requests;
    const pages = Math.ceil(stats.total / LIST_PAGE_SIZE);
    const searches = expected / this.batchSize;
    if (stats.total > (this.options.maxListed ?? 20_000) || pages > searches / 4) return;
    const listing = new Map<string, Listed>();
    for (let page = 1; page <= Math.max(1, pages); page += 1) {
      const answer = await this.requests.listPage(page);
      this.unbilled += answer.requests;
      const at = this.now();
      for (const profile of answer.profiles) {
        listing.set(profile.email.trim().toLowerCase(), { profile: toKnown(profile), readAt: at });
      }
      if (answer.profiles.length < LIST_PAGE_SIZE) break;
    }
    this.listing = listing;
    this.listingComplete = listing.size >= stats.total;
    if (!this.listingComplete) {
      this.options.onStopped?.(
        `The website's listing showed ${listing.size} of its ${stats.total} contacts; the others are looked up.`,
      );
    }
  }

  private stopListing(why: string): void {
    if (this.listingStopped) return;
    this.listingStopped = why;
    this.options.onStopped?.(`Reading the website's contacts in bulk stopped: ${why}.`);
  }

  /** A profile this import just wrote, as it wrote it: the canary of later searches. */
  wrote(email: string, profile: KnownProfile): void {
    this.recentWrites.push({ email, profile, at: this.now() });
    if (this.recentWrites.length > 32) this.recentWrites.shift();
  }

  /**
   * A search, checked on the first batches and then one in 20: it must show a contact this
   * import wrote a while ago (the canary) as it was written, and a found profile as a single
   * read shows it. A search that lags behind writes, or answers old copies, is not used again.
   */
  private async searchChecked(
    emails: string[],
  ): Promise<{ profiles: PeopleProfile[]; requests: number }> {
    this.searches += 1;
    const check = this.searches <= SPOT_CHECK_FIRST || this.searches % SPOT_CHECK_EVERY === 0;
    // The canary takes a place in the page, not a request: in every search.
    const canary = this.canary(emails);
    const answer = await this.requests.search(canary ? [...emails, canary.email] : emails);
    let requests = answer.requests;
    const profiles = answer.profiles.filter((p) => p.email.trim().toLowerCase() !== canary?.email);
    if (canary) {
      const copy = answer.profiles.find((p) => p.email.trim().toLowerCase() === canary.email);
      // Segments (and the name) only: how Crisp spells other fields may differ from what was sent.
      if (!copy || !sameSegmentsAndName(toKnown(copy), canary.profile)) {
        throw new Error(
          'Crisp’s search did not show a contact this import wrote a few seconds before as it was written (its answers lag behind)',
        );
      }
    }
    const sample = check
      ? profiles.find((p) => emails.includes(p.email.trim().toLowerCase()))
      : undefined;
    if (sample) {
      const single = await this.requests.read(sample.email.trim().toLowerCase());
      requests += single.requests;
      if (!single.profile || !sameProfile(single.profile, toKnown(sample))) {
        throw new Error('Crisp’s search answered an old copy of a contact');
      }
    }
    return { profiles, requests };
  }

  /** The latest profile this import wrote at least CANARY_AGE_MS ago, not among `emails`. */
  private canary(emails: string[]): RecentWrite | null {
    const before = this.now() - (this.options.canaryAgeMs ?? CANARY_AGE_MS);
    for (let i = this.recentWrites.length - 1; i >= 0; i -= 1) {
      const write = this.recentWrites[i]!;
      if (write.at <= before && !emails.includes(write.email)) return write;
    }
    return null;
  }
}

function segmentSet(profile: KnownProfile): string[] {
  return [...new Set(profile.segments.map((s) => s.toLowerCase()))].sort();
}

function sameSegmentsAndName(a: KnownProfile, b: KnownProfile): boolean {
  return sameJson(segmentSet(a), segmentSet(b)) && a.person['nickname'] === b.person['nickname'];
}

function sameProfile(a: KnownProfile, b: KnownProfile): boolean {
  return (
    sameJson(a.person, b.person) &&
    sameJson(a.company, b.company) &&
    sameJson(segmentSet(a), segmentSet(b))
  );
}

export function toKnown(profile: PeopleProfile): KnownProfile {
  return {
    peopleId: profile.people_id ?? null,
    person: profile.person as Record<string, unknown>,
    company: profile.company as Record<string, unknown>,
    segments: profile.segments,
    notepad: profile.notepad,
  };
}
