/**
 * Public types of the fake Crisp server: its configuration, what it stores, what it logs, and
 * the handle tests and the sandbox get back from `startFakeCrisp`.
 */

export type TokenTier = 'website' | 'plugin';

export interface FakeCrispToken {
  identifier: string;
  key: string;
  tier: TokenTier;
}

/** What the server answers with, for a situation where Crisp's real answer is unconfirmed. */
export interface ErrorAnswer {
  status: number;
  reason: string;
}

export interface RateLimitConfig {
  /**
   * 'route' (default): each route (method + templated path) of a token has its own limit of
   * `perSecond`. 'global': one limit of `perSecond` shared by all the routes of a token.
   */
  scope?: 'route' | 'global';
  /** Requests per second allowed per route (or, with scope 'global', in all) per token. */
  perSecond: number;
  /** Bucket size; defaults to `perSecond` (one second's worth, at least 1). */
  burst?: number;
  /** 'alternate' answers 429, then 420, then 429… */
  status: 429 | 420 | 'alternate';
  /** 'seconds' adds `Retry-After: <whole seconds until a request would be allowed>`. */
  retryAfter: 'none' | 'seconds';
}

export interface DailyQuotaConfig {
  /** Authenticated requests allowed per token until `resetQuota()`. */
  limit: number;
  /** Status once spent (default 429). */
  status: number;
  /** Reason once spent (default 'quota_limit_exceeded', a placeholder: the real one is unknown). */
  reason: string;
}

export interface FaultConfig {
  /** Share of requests answered 500, 502 or 503 with an HTML body (the write is not applied). */
  serverErrorRate: number;
  /**
   * Share of requests whose connection is reset. Half of them are reset before the write is
   * applied, half after (the answer is lost but the write happened).
   */
  connectionResetRate: number;
  /** Share of requests answered only after `slowMs` (the write is applied at once). */
  slowRate: number;
  slowMs: number;
  /** Seed of the fault dice: the same seed and request order give the same faults. */
  seed: number;
  /**
   * Which requests the faults hit: 'all' (the default) or 'writes' (POST, PUT, PATCH, DELETE
   * only: reads, and the GET people/stats health check, keep answering 200).
   */
  scope: 'all' | 'writes';
  /**
   * Writes (POST, PUT, PATCH, DELETE) naming one of these emails (in the path or the body, any
   * case) get this status and apply nothing: a 5xx with an HTML body, a 4xx as Crisp's
   * `invalid_data` refusal. Default {} (none). Set it to {} to let them pass (a retry).
   */
  failingEmails: Record<string, number>;
}

/** How the list route (GET people/profiles) searches: all unconfirmed in Crisp (crisp-api.md §4.7). */
export interface SearchConfig {
  /**
   * How a filter's `query` list is read: 'any' (a profile matching any of the values, the
   * default), 'first' (only the first value counts), 'ignored' (the filter is ignored: every
   * profile matches).
   */
  multiValue: 'any' | 'first' | 'ignored';
  /** > 0: answers come from a copy of the profiles refreshed every `lagMs` (an index that lags). */
  lagMs: number;
  /** The largest per_page honoured (default 50). */
  maxPerPage: number;
  /** Pages past this one answer an empty list (0: no cap, the default). */
  maxPage: number;
}

/**
 * Crisp down for a while: every request (before routes, credentials and limits, like a load
 * balancer in front of a broken API) gets a 5xx, not counted in the quota.
 */
export interface OutageConfig {
  /** 500, 502 or 503, or 'mixed' (502, 503, 500 in turn). Default 503. */
  status: 500 | 502 | 503 | 'mixed';
  /** 'html' (a proxy's error page, default) or 'json' (Crisp's envelope, reason 'service_unavailable'). */
  body: 'html' | 'json';
  /** Sends `Retry-After: <seconds>` on 503 answers when set. Default null (none). */
  retryAfterSeconds: number | null;
  /** The outage ends by itself this long after it was configured. Default null (until set to null). */
  forMs: number | null;
}

export interface FakeCrispConfig {
  /** Default: a random lower-case UUID. */
  websiteId: string;
  /** Default: one website token (identifier a UUID, key 64 hex characters). */
  tokens: FakeCrispToken[];
  /** Bad or missing credentials, or a revoked token. Default 401 invalid_session. */
  authFailure: ErrorAnswer;
  /** X-Crisp-Tier missing or not the token's kind. Default 401 invalid_session. */
  tierMismatch: ErrorAnswer;
  /** `person.nickname` required on create and PUT. Default true. */
  nicknameRequired: boolean;
  /** Email format checked (ajv "email" format). Default true. */
  emailFormatCheck: boolean;
  /** A segment listed twice in one request gives 400 invalid_data. Default true. */
  rejectDuplicateSegments: boolean;
  /** PATCH deep-merges `person` and `company` (otherwise it replaces them). Default true. */
  patchDeepMergesObjects: boolean;
  /** Allowed custom data keys: 'lowercase' = ^[a-z0-9_-]+$, 'any-case' = ^[A-Za-z0-9_-]+$. */
  dataKeys: 'lowercase' | 'any-case';
  /** What happens to a custom data key that is not allowed. Default 'reject' (400 invalid_data). */
  badDataKey: 'reject' | 'drop';
  /** PATCH people/data with "" deletes the key. Default true. */
  patchEmptyStringDeletesDataKey: boolean;
  /** Reason of a PUT (save) answer, profile or custom data: unconfirmed (default 'saved'). */
  saveReason: string;
  /** > 0: GET and HEAD may serve a copy up to this old (Crisp's Bloom cache). Default 0. */
  readCacheMs: number;
  /** Per-route, per-token token bucket. Default null (no limit). */
  rateLimit: null | RateLimitConfig;
  /** Daily quota per token. Default null (no quota). */
  dailyQuota: null | DailyQuotaConfig;
  search: SearchConfig;
  faults: FaultConfig;
  /** Crisp down (see OutageConfig). Default null. */
  outage: null | OutageConfig;
  /**
   * A careless server: every error answer echoes the request's Authorization header (in the
   * JSON envelope's `data.message`, in `reason` with 'reason', in the HTML body of a 5xx).
   * Default false. For tests that no key leaks into a report, a journal or the terminal.
   */
  echoAuthorization: false | 'message' | 'reason';
}

/** A configuration change: like `Partial<FakeCrispConfig>`, but parts of nested objects may be given. */
export type FakeCrispConfigPatch = Partial<
  Omit<FakeCrispConfig, 'faults' | 'dailyQuota' | 'rateLimit' | 'search' | 'outage'>
> & {
  faults?: Partial<FaultConfig>;
  search?: Partial<SearchConfig>;
  outage?: null | Partial<OutageConfig>;
  dailyQuota?: null | (Partial<DailyQuotaConfig> & { limit: number });
  rateLimit?: null | (Partial<RateLimitConfig> & { perSecond: number });
};

export interface StoredProfile {
  people_id: string;
  email: string;
  person: Record<string, unknown>;
  company: Record<string, unknown>;
  segments: string[];
  notepad: string;
  /** Custom data (people/data). */
  data: Record<string, string | number | boolean>;
  /** Unix milliseconds. */
  created_at: number;
  updated_at: number;
}

export type ProfileSeed = Partial<StoredProfile> & { email: string };

export interface RequestLogEntry {
  /** Unix milliseconds when the request arrived. */
  at: number;
  method: string;
  /** Templated, e.g. 'PATCH /people/data/:id'; '(unknown route)' for a 404 not_found. */
  route: string;
  /** The raw path, without the query string. */
  path: string;
  /**
   * Status answered (or, for a reset after the write, the status that was lost);
   * 0 for a connection reset before anything was applied.
   */
  status: number;
  reason: string | null;
  outcome: 'answered' | 'reset' | 'slow';
}

export interface FakeCrisp {
  /** 'http://127.0.0.1:PORT': the API lives under `${url}/v1/`. */
  url: string;
  websiteId: string;
  /** The first token. */
  token: FakeCrispToken;
  /** Changes behaviour at runtime (takes effect on the next request). */
  configure(patch: FakeCrispConfigPatch): void;
  /** Adds profiles as if they already existed in Crisp. Throws on an email already stored. */
  seedProfiles(profiles: ProfileSeed[]): void;
  /** A deep copy (custom data included), by people_id or email (case-insensitive). */
  getProfile(emailOrId: string): StoredProfile | undefined;
  listProfiles(): StoredProfile[];
  /**
   * Changes a stored profile as someone else would in Crisp (the dashboard, another tool): the
   * fields given replace the stored ones. Throws when there is no such profile.
   */
  editProfile(
    emailOrId: string,
    changes: Partial<Pick<StoredProfile, 'person' | 'company' | 'segments' | 'notepad' | 'data'>>,
  ): void;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  /** Calls `listener` for every request once answered (or reset). Returns an unsubscribe function. */
  onRequest(listener: (entry: RequestLogEntry) => void): () => void;
  /**
   * Requests counted against the daily quota for a token (default: the first token): every
   * authenticated request that passed the rate limit, counted even when no quota is set.
   */
  quotaUsed(identifier?: string): number;
  /** The daily reset hook (all tokens). */
  resetQuota(): void;
  /** The token (default: the first) stops being valid: every request gets `authFailure`. */
  revokeToken(identifier?: string): void;
  restoreToken(identifier?: string): void;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
}
