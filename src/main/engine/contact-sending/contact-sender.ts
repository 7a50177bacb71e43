/**
 * Sends validated contacts to Crisp as correct profiles, with the fewest requests. Many `send()`
 * calls may be in flight at once; rows for the same email are serialized (never two requests for
 * one email at the same time). Each request goes through a RequestSender (rate, quota, retries,
 * waits: see request-sender.ts); this file holds the upsert: what to send for one contact.
 *
 * A contact fails only for a problem of its own: invalid_data (retryable: false, Crisp's
 * message in plain words), or transient failures that outlasted their retries (retryable: true).
 * A create retried after a lost answer that meets 409 is handled as the update it is (and
 * reported 'created' when the profile holds exactly what was sent).
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import { CRISP_ROUTES, CrispRequestError, encodePeopleId, type CrispClient } from '../crisp-client';
import {
  createBody,
  dataUpdate,
  knownFromCreate,
  matchesCreated,
  mergeIntoProfile,
  type KnownProfile,
} from '../contact-planning/profile-merge';
import type { QuotaBudget } from './quota-budget';
import type { RateController } from './rate-controller';
import type { LookupBatcherOptions } from '../contact-planning/lookup-batcher';
import {
  ProfileReads,
  toKnown,
  type BulkSource,
  type ProfileReadRequests,
} from '../contact-planning/profile-reads';
import { RequestPlanner, type RequestPlan } from '../contact-planning/request-planner';
import {
  newRequestTally,
  RequestSender,
  SenderClosedError,
  type NetworkPolicy,
  type RequestTally,
  type RetryPolicy,
  type SenderState,
} from './request-sender';
import { WrittenProfiles } from '../contact-planning/written-profiles';
import { BeforeImages, type UndoImageRecorder } from './before-images';

export {
  SenderClosedError,
  type ConnectionProblem,
  type NetworkPolicy,
  type RetryPolicy,
  type SenderState,
} from './request-sender';

/**
 * What became of one contact. `requests` counts the HTTP requests spent on it, retries
 * included (with batched look-ups, its share of a search request, so it may be fractional).
 */
export type ContactOutcome =
  | { kind: 'created'; peopleId: string | null; requests: number }
  | { kind: 'updated'; peopleId: string | null; requests: number }
  | { kind: 'failed'; reason: string; retryable: boolean; requests: number };

/** A part of a profile that is written on its own terms (see change-ledger/contact-digest.ts). */
export type ProfilePart = 'profile' | 'segments' | 'data';

/**
 * How to write a contact, as the planner decided:
 * - 'upsert': create or update, finding out which (create first or look up first, by what Crisp
 *   answered so far); `exists`: this app wrote the profile before, so look it up first;
 * - 'update-parts': this app wrote the profile and only these parts changed since: custom data
 *   alone is one PATCH people/data, the profile or segments a read and an update. A profile that
 *   is gone from Crisp is created again.
 */
export type ContactWritePlan =
  { kind: 'upsert'; exists?: boolean } | { kind: 'update-parts'; parts: readonly ProfilePart[] };

export interface ContactSenderOptions {
  rate?: RateController;
  budget?: QuotaBudget;
  /** An empty custom data cell clears the key ('clear', Crisp's rule) or keeps it ('keep'). */
  emptyCells: 'clear' | 'keep';
  retry?: Partial<RetryPolicy>;
  /** 'adaptive' (default), or a fixed plan. */
  plan?: 'adaptive' | RequestPlan;
  /** Emails whose written state is kept for later rows (see written-profiles.ts). Default 20,000. */
  writtenCapacity?: number;
  /**
   * After a 409, Crisp's read may still come from its cache and say "not found": read again
   * after these delays before giving up (retryable). Default [500, 2000, 5000] ms.
   */
  staleReadDelaysMs?: number[];
  /** Only 429/420 answers for this long is taken as a spent quota. Default 10 minutes. */
  assumeQuotaAfterMs?: number;
  /** 429/420 answers that keep coming with the rate at its floor this long: a spent quota. */
  assumeQuotaAtFloorMs?: number;
  /** When Crisp cannot be reached at all: see NetworkPolicy. */
  network?: Partial<NetworkPolicy>;
  /**
   * The read plan (contact-planning/profile-reads.ts):
   * - 'single' (default): one email per request (GET people/profile/{email});
   * - 'batched': many emails with one search request (Crisp's multi-value search is unconfirmed,
   *   so it checks itself and falls back to 'single');
   * - 'auto' (what imports use): also lists the website once when it is small beside the
   *   contacts to send (`expectedContacts`).
   */
  lookups?: 'single' | 'batched' | 'auto';
  lookupBatch?: LookupBatcherOptions;
  /**
   * Contacts the import still expects to look up, asked when the read plan is chosen (the
   * listing's worth); unknown: the website is never listed.
   */
  expectedContacts?: () => number | null;
  /** A bulk-read copy older than this is read again before a write. Default 15 s. */
  bulkFreshMs?: number;
  /** A contact this import wrote this long ago must show in a search as written. Default 2 s. */
  searchCanaryAgeMs?: number;
  /** A line for the job's log when a bulk read stops being trusted. */
  onReadPlanNote?: (text: string) => void;
  /** Default Math.random (jitter). */
  random?: () => number;
  /** An undoable import: what profiles held before it changed them is kept (before-images.ts). */
  undoImages?: UndoImageRecorder;
}

export interface SenderStats {
  requests: number;
  /** Requests by route, then by answer: an HTTP status, or 'network' / 'timeout' / 'aborted'. */
  byRoute: Record<string, Record<string, number>>;
  rateLimited: number;
  /** Share of requests answered 429 or 420. */
  rateLimitedShare: number;
  contacts: { created: number; updated: number; failed: number };
  /** Requests per finished contact (retries included). */
  requestsPerContact: number;
  plan: RequestPlan;
  existingShare: number;
  /** How emails are looked up now: listing, batched search, or single reads. */
  lookups: 'single' | 'batched' | 'listing';
  /** Why batched look-ups stopped, when they did. */
  batchedLookupsStopped: string | null;
}

/** How long the other contacts wait for the first contact's answer (see `upsert`). */
const PROBE_WAIT_MS = 2_000;

export class ContactSender {
  private readonly requests: RequestSender;
  private readonly emptyCells: 'clear' | 'keep';
  private readonly planner: RequestPlanner;
  private readonly written: WrittenProfiles;
  private readonly staleReadDelaysMs: number[];
  private readonly reads: ProfileReads;
  private readonly images: BeforeImages | null;
  private readonly locks = new Map<string, Promise<void>>();
  private probe: Promise<void> | null = null;
  private counters = { created: 0, updated: 0, failed: 0, contactRequests: 0 };

  constructor(client: CrispClient, options: ContactSenderOptions) {
    this.requests = new RequestSender(client, {
      ...(options.rate ? { rate: options.rate } : {}),
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.network ? { network: options.network } : {}),
      ...(options.assumeQuotaAfterMs !== undefined
        ? { assumeQuotaAfterMs: options.assumeQuotaAfterMs }
        : {}),
      ...(options.assumeQuotaAtFloorMs !== undefined
        ? { assumeQuotaAtFloorMs: options.assumeQuotaAtFloorMs }
        : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    this.emptyCells = options.emptyCells;
    this.images = options.undoImages ? new BeforeImages(options.undoImages, this.requests) : null;
    this.planner = new RequestPlanner({ plan: options.plan ?? 'adaptive' });
    this.written = new WrittenProfiles(options.writtenCapacity);
    this.staleReadDelaysMs = options.staleReadDelaysMs ?? [500, 2_000, 5_000];
    this.reads = new ProfileReads(this.readRequests(), {
      mode: options.lookups ?? 'single',
      ...(options.expectedContacts !== undefined
        ? { expectedContacts: options.expectedContacts }
        : {}),
      ...(options.bulkFreshMs !== undefined ? { freshMs: options.bulkFreshMs } : {}),
      ...(options.searchCanaryAgeMs !== undefined
        ? { canaryAgeMs: options.searchCanaryAgeMs }
        : {}),
      ...(options.lookupBatch ? { batch: options.lookupBatch } : {}),
      ...(options.onReadPlanNote ? { onStopped: options.onReadPlanNote } : {}),
    });
  }

  get state(): SenderState {
    return this.requests.state;
  }

  /** The plan used for the next email not written yet. */
  get plan(): RequestPlan {
    return this.planner.plan;
  }

  /**
   * How many contacts a caller should keep in flight (sent, not yet resolved) to keep the
   * sender busy: twice the concurrency the rate allows, more with batched look-ups.
   */
  get suggestedInFlight(): number {
    const concurrency = this.requests.rate?.concurrencyLimit ?? 8;
    const batching = this.reads.mode === 'single' ? 0 : 2 * this.reads.batchSize;
    return Math.max(16, 2 * concurrency + batching);
  }

  on(event: 'state', listener: (state: SenderState) => void): this {
    this.requests.on(event, listener);
    return this;
  }

  off(event: 'state', listener: (state: SenderState) => void): this {
    this.requests.off(event, listener);
    return this;
  }

  /**
   * Creates or updates the contact's profile. Resolves once the contact is done (created,
   * updated or failed); stays pending while the sender is paused. Rejects only with
   * SenderClosedError when `close()` is called first.
   */
  async send(
    contact: ContactProfile,
    plan: ContactWritePlan = { kind: 'upsert' },
  ): Promise<ContactOutcome> {
    if (this.requests.closed) throw new SenderClosedError();
    const email = contact.email.trim().toLowerCase();
    const attempt = newRequestTally();
    try {
      encodePeopleId(email);
    } catch (error) {
      this.counters.failed += 1;
      return this.failure(attempt, error);
    }
    const outcome = await this.withEmailLock(email, async () => {
      try {
        const normalized = { ...contact, email };
        if (plan.kind === 'update-parts')
          return await this.updateParts(attempt, normalized, plan.parts);
        if (plan.exists) return await this.lookUpFirst(attempt, normalized);
        return await this.upsert(attempt, normalized);
      } catch (error) {
        if (error instanceof SenderClosedError || this.requests.closed)
          throw new SenderClosedError();
        return this.failure(attempt, error);
      }
    });
    if (outcome.kind === 'created') this.counters.created += 1;
    else if (outcome.kind === 'updated') this.counters.updated += 1;
    else this.counters.failed += 1;
    this.counters.contactRequests += outcome.requests;
    return outcome;
  }

  /** Continues after a connection pause, with a new client when the token changed. */
  resumeAfterConnectionFixed(newClient?: CrispClient): void {
    this.requests.resumeAfterConnectionFixed(newClient);
  }

  /** Continues after a quota pause before the scheduled reset (e.g. the quota was reset by hand). */
  resumeQuotaNow(): void {
    this.requests.resumeQuotaNow();
  }

  stats(): SenderStats {
    const done = this.counters.created + this.counters.updated + this.counters.failed;
    const sent = this.requests.tally();
    return {
      requests: sent.requests,
      byRoute: sent.byRoute,
      rateLimited: sent.rateLimited,
      rateLimitedShare: sent.requests === 0 ? 0 : sent.rateLimited / sent.requests,
      contacts: {
        created: this.counters.created,
        updated: this.counters.updated,
        failed: this.counters.failed,
      },
      requestsPerContact: done === 0 ? 0 : this.counters.contactRequests / done,
      plan:
        this.reads.mode !== 'single' && this.planner.existingShare >= 1 / this.reads.batchSize
          ? 'look-up-first'
          : this.planner.plan,
      existingShare: this.planner.existingShare,
      lookups: this.reads.mode,
      batchedLookupsStopped: this.reads.stoppedBecause,
    };
  }

  /**
   * The import is stopping: no retry and no wait from now on; a send that would need one
   * rejects with SenderClosedError (see RequestSender.stopNewAttempts).
   */
  stopNewAttempts(): void {
    this.requests.stopNewAttempts();
  }

  /** Stops: requests in flight are cancelled and pending sends reject with SenderClosedError. */
  close(): void {
    if (this.requests.closed) return;
    this.reads.close();
    this.requests.close();
  }

  // ---- the upsert -------------------------------------------------------------------------

  private async upsert(attempt: RequestTally, contact: ContactProfile): Promise<ContactOutcome> {
    const known = this.written.get(contact.email);
    if (known) return this.update(attempt, contact, known, 'updated');
    if (this.planner.observations > 0 || this.planner.plan !== 'create-first') {
      return this.firstTime(attempt, contact);
    }
    // Nothing is known about this file yet: one contact goes first and the others wait for
    // Crisp's first answer (one round trip), instead of all guessing "create first". They wait
    // PROBE_WAIT_MS at most: a first contact that keeps failing (Crisp down from the start) must
    // not hide an outage behind its retries, and then fail alone.
    const waitedSince = Date.now();
    while (this.probe && this.planner.observations === 0) {
      const left = PROBE_WAIT_MS - (Date.now() - waitedSince);
      if (left <= 0) break;
      await Promise.race([this.probe, this.planner.nextObservation(), this.requests.sleep(left)]);
    }
    if (this.planner.observations > 0) return this.firstTime(attempt, contact);
    let finished!: () => void;
    this.probe = new Promise<void>((resolve) => (finished = resolve));
    try {
      return await this.firstTime(attempt, contact);
    } finally {
      this.probe = null;
      finished();
    }
  }

  /** A profile this app wrote before: read it (unless this import just wrote it), then update. */
  private async lookUpFirst(
    attempt: RequestTally,
    contact: ContactProfile,
  ): Promise<ContactOutcome> {
    const known =
      this.written.get(contact.email) ?? (await this.readProfile(attempt, contact.email));
    if (known) return this.update(attempt, contact, known, 'updated');
    return this.create(attempt, contact, true);
  }

  /** Only the parts that changed since this app wrote the profile. */
  private async updateParts(
    attempt: RequestTally,
    contact: ContactProfile,
    parts: readonly ProfilePart[],
  ): Promise<ContactOutcome> {
    if (parts.includes('profile') || parts.includes('segments')) {
      // Merged with what Crisp holds now: segments added there since are kept.
      const known =
        this.written.get(contact.email) ?? (await this.readProfile(attempt, contact.email));
      if (!known) return this.create(attempt, contact, true);
      const changed = parts.includes('data') ? contact : withoutData(contact);
      return this.update(attempt, changed, known, 'updated');
    }
    if (!parts.includes('data')) return { kind: 'updated', peopleId: null, requests: 0 };
    if (
      this.images &&
      !(await this.images.beforeChange(attempt, contact.email, contact.email, null))
    )
      return this.create(attempt, contact, true);
    try {
      await this.writeData(attempt, contact, contact.email, false);
    } catch (error) {
      if (!(error instanceof CrispRequestError && error.kind === 'not_found')) throw error;
      // Deleted in Crisp since: create it again, as a full import would.
      return this.create(attempt, contact, true);
    }
    return { kind: 'updated', peopleId: null, requests: attempt.requests };
  }

  /** An email this import has not written yet. */
  private async firstTime(attempt: RequestTally, contact: ContactProfile): Promise<ContactOutcome> {
    // A search costs 1/batchSize per email: worth it as soon as some emails exist.
    const worthSearching = this.planner.existingShare >= 1 / this.reads.batchSize;
    const known = await this.reads.lookup(contact.email, attempt, worthSearching);
    if (known.kind === 'found') {
      this.planner.record(true);
      const existing = await this.reads.fresh(contact.email, known, attempt);
      if (existing) return this.update(attempt, contact, existing, 'updated');
      return this.create(attempt, contact, true);
    }
    if (known.kind === 'absent') {
      this.planner.record(false);
      return this.create(attempt, contact, true, known.by);
    }
    if (this.planner.plan === 'look-up-first') {
      const existing = await this.readProfile(attempt, contact.email);
      this.planner.record(existing !== null);
      if (existing) return this.update(attempt, contact, existing, 'updated');
      return this.create(attempt, contact, true);
    }
    return this.create(attempt, contact, false);
  }

  private async create(
    attempt: RequestTally,
    contact: ContactProfile,
    lookedUp: boolean,
    calledNewBy: BulkSource | null = null,
  ): Promise<ContactOutcome> {
    const body = createBody(contact);
    let peopleId: string | null;
    await this.images?.creating(contact.email);
    try {
      const answer = await this.requests.call(
        attempt,
        CRISP_ROUTES.createProfile,
        (client, signal) => client.createProfile(body, { signal }),
      );
      peopleId = answer.data.people_id;
    } catch (error) {
      if (!(error instanceof CrispRequestError && error.kind === 'exists')) throw error;
      if (!lookedUp && !attempt.createAnswerLost) this.planner.record(true);
      if (calledNewBy && !attempt.createAnswerLost) this.reads.missed(calledNewBy);
      const existing = await this.readAfterConflict(attempt, contact.email);
      const ours =
        (attempt.createAnswerLost || this.images?.createdEarlier(contact.email) === true) &&
        matchesCreated(existing, body);
      if (!ours) await this.images?.exists(contact.email);
      return this.update(attempt, contact, existing, ours ? 'created' : 'updated');
    }
    if (!lookedUp) this.planner.record(false);
    const result = knownFromCreate(body, peopleId);
    this.written.set(contact.email, result);
    this.reads.wrote(contact.email, result);
    const data = await this.writeData(attempt, contact, peopleId ?? contact.email, true);
    await this.images?.wrote(contact.email, 'created', peopleId, result, data);
    return { kind: 'created', peopleId, requests: attempt.requests };
  }

  private async update(
    attempt: RequestTally,
    contact: ContactProfile,
    existing: KnownProfile,
    kind: 'created' | 'updated',
  ): Promise<ContactOutcome> {
    const { update, result } = mergeIntoProfile(existing, contact);
    const address = existing.peopleId ?? contact.email;
    if (
      this.images &&
      kind === 'updated' &&
      (update || dataUpdate(contact, false, this.emptyCells))
    )
      await this.images.beforeChange(attempt, contact.email, address, existing);
    if (update) {
      await this.requests.call(attempt, CRISP_ROUTES.updateProfile, (client, signal) =>
        client.updateProfile(address, update, { signal }),
      );
    }
    this.written.set(contact.email, result);
    this.reads.wrote(contact.email, result);
    const data = await this.writeData(attempt, contact, address, kind === 'created');
    await this.images?.wrote(contact.email, kind, existing.peopleId, result, data);
    return { kind, peopleId: existing.peopleId, requests: attempt.requests };
  }

  private async writeData(
    attempt: RequestTally,
    contact: ContactProfile,
    address: string,
    isNew: boolean,
  ): Promise<Record<string, string | number | boolean> | null> {
    const data = dataUpdate(contact, isNew, this.emptyCells);
    if (!data) return null;
    try {
      await this.requests.call(attempt, CRISP_ROUTES.updateData, (client, signal) =>
        client.updateData(address, data, { signal }),
      );
    } catch (error) {
      if (error instanceof CrispRequestError && error.kind === 'invalid_data') {
        throw new CrispRequestError(
          'invalid_data',
          `The profile was saved, but Crisp rejected its custom data: ${error.crispMessage ?? error.message}${error.reason ? ` (${error.reason})` : ''}.`,
          { status: error.status, reason: error.reason, crispMessage: error.crispMessage },
        );
      }
      throw error;
    }
    return data;
  }

  /** GET by email; null when Crisp has no such profile. */
  private async readProfile(attempt: RequestTally, email: string): Promise<KnownProfile | null> {
    try {
      const answer = await this.requests.call(attempt, CRISP_ROUTES.getProfile, (client, signal) =>
        client.getProfile(email, { signal }),
      );
      return toKnown(answer.data);
    } catch (error) {
      if (error instanceof CrispRequestError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** The requests of the read plan, through the request sender (each with its own tally). */
  private readRequests(): ProfileReadRequests {
    const call = this.requests.call.bind(this.requests);
    return {
      stats: async () => {
        const tally = newRequestTally();
        const answer = await call(tally, CRISP_ROUTES.stats, (client, signal) =>
          client.getStats({ signal }),
        );
        return { total: answer.data.total, requests: tally.requests };
      },
      listPage: async (page) => {
        const tally = newRequestTally();
        const answer = await call(tally, CRISP_ROUTES.listProfiles, (client, signal) =>
          client.listProfiles({ page, perPage: 50 }, { signal }),
        );
        return { profiles: answer.data, requests: tally.requests };
      },
      search: async (emails) => {
        const tally = newRequestTally();
        const answer = await call(tally, CRISP_ROUTES.listProfiles, (client, signal) =>
          client.listProfiles(
            {
              perPage: 50,
              filters: [{ model: 'people', criterion: 'email', operator: 'eq', query: emails }],
            },
            { signal },
          ),
        );
        return { profiles: answer.data, requests: tally.requests };
      },
      read: async (email) => {
        const tally = newRequestTally();
        const profile = await this.readProfile(tally, email);
        return { profile, requests: tally.requests };
      },
    };
  }

  /** After a 409: the profile exists, but a cached read may not show it yet. */
  private async readAfterConflict(attempt: RequestTally, email: string): Promise<KnownProfile> {
    for (let i = 0; ; i += 1) {
      const profile = await this.readProfile(attempt, email);
      if (profile) return profile;
      const delay = this.staleReadDelaysMs[i];
      if (delay === undefined) {
        throw new CrispRequestError(
          'server',
          'Crisp says a profile with this email exists but does not return it yet. Import this row again later.',
        );
      }
      await this.requests.sleep(delay);
    }
  }

  // ---- outcomes and ordering ---------------------------------------------------------------

  private failure(attempt: RequestTally, error: unknown): ContactOutcome {
    if (error instanceof CrispRequestError) {
      switch (error.kind) {
        case 'invalid_data':
          return {
            kind: 'failed',
            reason: error.message,
            retryable: false,
            requests: attempt.requests,
          };
        case 'server':
        case 'network':
        case 'timeout':
          return {
            kind: 'failed',
            reason: `${error.message} Tried ${this.requests.retry.maxAttempts} times; the row can be sent again later.`,
            retryable: true,
            requests: attempt.requests,
          };
        case 'rate_limited':
        case 'quota':
          // Crisp's limits outlasted what this run could wait for: the row can pass later.
          return {
            kind: 'failed',
            reason: `${error.message} The row can be sent again later.`,
            retryable: true,
            requests: attempt.requests,
          };
        case 'not_found':
          return {
            kind: 'failed',
            reason:
              'The profile disappeared from Crisp while it was being updated. Import this row again.',
            retryable: true,
            requests: attempt.requests,
          };
        default:
          return {
            kind: 'failed',
            reason: error.message,
            retryable: false,
            requests: attempt.requests,
          };
      }
    }
    const text = error instanceof Error ? error.message : String(error);
    return {
      kind: 'failed',
      reason: `This contact could not be sent (a bug in crisp-import: ${text}). Import the row again from the failed rows file; if it fails again, report it.`,
      retryable: true,
      requests: attempt.requests,
    };
  }

  private async withEmailLock<T>(email: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(email) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(email, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(email) === tail) this.locks.delete(email);
    }
  }
}

/** The contact without its custom data (its data part is unchanged: nothing to write). */
function withoutData(contact: ContactProfile): ContactProfile {
  return { ...contact, data: {}, clearedDataKeys: [] };
}
