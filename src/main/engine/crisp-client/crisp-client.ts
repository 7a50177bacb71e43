/**
 * A thin, typed client for the Crisp REST API v1 people routes this app uses, over Node's fetch
 * (undici). One method per route; bodies and answers validated with zod; every exchange (status,
 * headers, timing) reported to observers such as the rate controller. It does not retry: the
 * caller decides by error kind (see CrispRequestError). It never logs, and the key never leaves
 * the Authorization header.
 */
import type { z } from 'zod';
import {
  CrispRequestError,
  classifyErrorAnswer,
  describeErrorAnswer,
  parseRetryAfter,
  type CrispErrorKind,
} from './crisp-request-error';
import {
  CrispEnvelope,
  CrispErrorData,
  Ignored,
  PeopleData,
  PeopleDataUpdate,
  PeopleProfile,
  PeopleProfileCreate,
  PeopleProfileCreated,
  PeopleProfileUpdate,
  PeopleProfileList,
  PeopleStats,
  type SearchFilter,
} from './crisp-schemas';
import { encodePeopleId } from './people-id';
import { redactSecrets, rememberCrispToken } from './secret-redaction';

export const DEFAULT_CRISP_API_URL = 'https://api.crisp.chat';
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface CrispConnection {
  /** API origin without `/v1`. Default https://api.crisp.chat. */
  apiUrl?: string;
  websiteId: string;
  identifier: string;
  /** Secret. */
  key: string;
  tier: 'website' | 'plugin';
}

/** The routes this client calls, named like Crisp's limiter sees them (method + template). */
export const CRISP_ROUTES = {
  createProfile: 'POST /people/profile',
  profileExists: 'HEAD /people/profile/:id',
  getProfile: 'GET /people/profile/:id',
  updateProfile: 'PATCH /people/profile/:id',
  getData: 'GET /people/data/:id',
  updateData: 'PATCH /people/data/:id',
  saveProfile: 'PUT /people/profile/:id',
  removeProfile: 'DELETE /people/profile/:id',
  saveData: 'PUT /people/data/:id',
  stats: 'GET /people/stats',
  listProfiles: 'GET /people/profiles/:page',
} as const;
export type CrispRoute = (typeof CRISP_ROUTES)[keyof typeof CRISP_ROUTES];

export interface CrispResponse<T> {
  status: number;
  reason: string | null;
  data: T;
  headers: Headers;
  requestId?: string;
}

/** One request and what became of it, as told to observers. */
export interface CrispExchange {
  route: CrispRoute;
  method: string;
  /** HTTP status, or null when no answer arrived (network error, timeout, abort). */
  status: number | null;
  reason: string | null;
  /** Set when the exchange ended in an error. */
  errorKind?: CrispErrorKind;
  headers?: Headers;
  retryAfterMs?: number;
  /** performance.now() when the request was sent, and how long it took. */
  startedAt: number;
  durationMs: number;
}

export type CrispObserver = (exchange: CrispExchange) => void;

export interface CrispClientOptions {
  /** Per request, body included. Default 10 s (like Crisp's own Node client). */
  timeoutMs?: number;
  userAgent?: string;
  observer?: CrispObserver;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export class CrispClient {
  readonly websiteId: string;
  readonly tier: 'website' | 'plugin';
  readonly timeoutMs: number;
  private readonly baseUrl: string;
  readonly #authorization: string;
  private readonly userAgent: string;
  private readonly observers = new Set<CrispObserver>();

  constructor(connection: CrispConnection, options: CrispClientOptions = {}) {
    const apiUrl = (connection.apiUrl ?? DEFAULT_CRISP_API_URL)
      .replace(/\/+$/, '')
      .replace(/\/v1$/i, '');
    if (!/^https?:\/\//i.test(apiUrl)) {
      throw new CrispRequestError(
        'invalid_data',
        `The Crisp API address "${apiUrl}" is not an http(s) address.`,
      );
    }
    if (!/^[A-Za-z0-9-]+$/.test(connection.websiteId)) {
      throw new CrispRequestError(
        'invalid_data',
        'The website id may hold only letters, digits and dashes.',
      );
    }
    this.websiteId = connection.websiteId;
    this.tier = connection.tier;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.baseUrl = `${apiUrl}/v1/website/${connection.websiteId}`;
    this.#authorization = `Basic ${Buffer.from(`${connection.identifier}:${connection.key}`).toString('base64')}`;
    // Texts from Crisp's answers are redacted with it (a server may echo the header).
    rememberCrispToken(connection.identifier, connection.key);
    this.userAgent = options.userAgent ?? 'crisp-contact-importer';
    if (options.observer) this.observers.add(options.observer);
  }

  /** Adds an observer of every exchange; returns the function that removes it. */
  addObserver(observer: CrispObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Keeps the key out of JSON.stringify and util.inspect. */
  toJSON(): Record<string, unknown> {
    return {
      websiteId: this.websiteId,
      tier: this.tier,
      baseUrl: this.baseUrl,
      timeoutMs: this.timeoutMs,
    };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON();
  }

  /** POST people/profile: 201 added `{people_id}`; 409 people_exists throws kind 'exists'. */
  async createProfile(
    body: PeopleProfileCreate,
    options?: RequestOptions,
  ): Promise<CrispResponse<PeopleProfileCreated>> {
    const parsed = checkBody(PeopleProfileCreate, body, 'profile');
    return this.request(
      CRISP_ROUTES.createProfile,
      'POST',
      '/people/profile',
      parsed,
      PeopleProfileCreated,
      options,
    );
  }

  /** HEAD people/profile/{id}: true when the profile exists. */
  async profileExists(peopleIdOrEmail: string, options?: RequestOptions): Promise<boolean> {
    try {
      await this.request(
        CRISP_ROUTES.profileExists,
        'HEAD',
        `/people/profile/${encodePeopleId(peopleIdOrEmail)}`,
        undefined,
        Ignored,
        options,
      );
      return true;
    } catch (error) {
      if (
        error instanceof CrispRequestError &&
        error.kind === 'not_found' &&
        error.reason !== 'not_found'
      )
        return false;
      throw error;
    }
  }

  /** GET people/profile/{id or email}. A missing profile throws kind 'not_found'. */
  async getProfile(
    peopleIdOrEmail: string,
    options?: RequestOptions,
  ): Promise<CrispResponse<PeopleProfile>> {
    return this.request(
      CRISP_ROUTES.getProfile,
      'GET',
      `/people/profile/${encodePeopleId(peopleIdOrEmail)}`,
      undefined,
      PeopleProfile,
      options,
    );
  }

  /** PATCH people/profile/{id or email}: replaces the top-level fields given. */
  async updateProfile(
    peopleIdOrEmail: string,
    body: PeopleProfileUpdate,
    options?: RequestOptions,
  ): Promise<CrispResponse<unknown>> {
    const parsed = checkBody(PeopleProfileUpdate, body, 'profile update');
    return this.request(
      CRISP_ROUTES.updateProfile,
      'PATCH',
      `/people/profile/${encodePeopleId(peopleIdOrEmail)}`,
      parsed,
      Ignored,
      options,
    );
  }

  /** GET people/data/{id or email}: the custom data. */
  async getData(
    peopleIdOrEmail: string,
    options?: RequestOptions,
  ): Promise<CrispResponse<Record<string, string | number | boolean>>> {
    const answer = await this.request(
      CRISP_ROUTES.getData,
      'GET',
      `/people/data/${encodePeopleId(peopleIdOrEmail)}`,
      undefined,
      PeopleData,
      options,
    );
    const data: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(answer.data.data))
      if (value !== null) data[key] = value;
    return { ...answer, data };
  }

  /**
   * PATCH people/data/{id or email} with `{"data": {...}}`: merges the keys given into the
   * custom data. An empty string clears a key.
   */
  async updateData(
    peopleIdOrEmail: string,
    data: PeopleDataUpdate,
    options?: RequestOptions,
  ): Promise<CrispResponse<unknown>> {
    const parsed = checkBody(PeopleDataUpdate, data, 'custom data');
    return this.request(
      CRISP_ROUTES.updateData,
      'PATCH',
      `/people/data/${encodePeopleId(peopleIdOrEmail)}`,
      { data: parsed },
      Ignored,
      options,
    );
  }

  /**
   * PUT people/profile/{id or email}: saves the profile whole, overwriting everything it held
   * (crisp-api.md §4.5; the answer's reason is unconfirmed, so only the status is used). Undo
   * uses it to give a profile back exactly what it held, fields added since removed.
   */
  async saveProfile(
    peopleIdOrEmail: string,
    body: PeopleProfileCreate,
    options?: RequestOptions,
  ): Promise<CrispResponse<unknown>> {
    const parsed = checkBody(PeopleProfileCreate, body, 'profile');
    return this.request(
      CRISP_ROUTES.saveProfile,
      'PUT',
      `/people/profile/${encodePeopleId(peopleIdOrEmail)}`,
      parsed,
      Ignored,
      options,
    );
  }

  /** DELETE people/profile/{id or email} (crisp-api.md §4.6). A missing one throws 'not_found'. */
  async removeProfile(
    peopleIdOrEmail: string,
    options?: RequestOptions,
  ): Promise<CrispResponse<unknown>> {
    return this.request(
      CRISP_ROUTES.removeProfile,
      'DELETE',
      `/people/profile/${encodePeopleId(peopleIdOrEmail)}`,
      undefined,
      Ignored,
      options,
    );
  }

  /** PUT people/data/{id or email} with `{"data": {...}}`: replaces the whole custom data. */
  async saveData(
    peopleIdOrEmail: string,
    data: PeopleDataUpdate,
    options?: RequestOptions,
  ): Promise<CrispResponse<unknown>> {
    const parsed = checkBody(PeopleDataUpdate, data, 'custom data');
    return this.request(
      CRISP_ROUTES.saveData,
      'PUT',
      `/people/data/${encodePeopleId(peopleIdOrEmail)}`,
      { data: parsed },
      Ignored,
      options,
    );
  }

  /**
   * GET people/profiles/{page}: one page (up to `perPage`, 20 to 50) of profiles matching
   * `filters` (crisp-api.md §4.7).
   */
  async listProfiles(
    query: {
      page?: number;
      perPage?: number;
      filters?: SearchFilter[];
      operator?: 'and' | 'or';
    },
    options?: RequestOptions,
  ): Promise<CrispResponse<PeopleProfile[]>> {
    const page = query.page ?? 1;
    if (!Number.isInteger(page) || page < 1) {
      throw new CrispRequestError('invalid_data', 'The page number must be a whole number from 1.');
    }
    const params = new URLSearchParams();
    params.set('per_page', String(Math.min(50, Math.max(20, query.perPage ?? 20))));
    if (query.filters && query.filters.length > 0)
      params.set('search_filter', JSON.stringify(query.filters));
    if (query.operator) params.set('search_operator', query.operator);
    return this.request(
      CRISP_ROUTES.listProfiles,
      'GET',
      `/people/profiles/${page}?${params.toString()}`,
      undefined,
      PeopleProfileList,
      options,
    );
  }

  /** GET people/stats: a cheap request, used to test a connection. */
  async getStats(options?: RequestOptions): Promise<CrispResponse<PeopleStats>> {
    return this.request(
      CRISP_ROUTES.stats,
      'GET',
      '/people/stats',
      undefined,
      PeopleStats,
      options,
    );
  }

  private async request<S extends z.ZodType>(
    route: CrispRoute,
    method: string,
    path: string,
    body: unknown,
    schema: S,
    options: RequestOptions = {},
  ): Promise<CrispResponse<z.output<S>>> {
    const startedAt = performance.now();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const headers: Record<string, string> = {
      Authorization: this.#authorization,
      'X-Crisp-Tier': this.tier,
      Accept: 'application/json',
      'User-Agent': this.userAgent,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    const report = (
      exchange: Omit<CrispExchange, 'route' | 'method' | 'startedAt' | 'durationMs'>,
    ): void => {
      const full: CrispExchange = {
        route,
        method,
        startedAt,
        durationMs: performance.now() - startedAt,
        ...exchange,
      };
      for (const observer of this.observers) {
        try {
          observer(full);
        } catch {
          // An observer's failure must not change the outcome of the request.
        }
      }
    };
    const noAnswer = (error: unknown): CrispRequestError => {
      const failure = describeNoAnswer(error, timeout, options.signal, this.timeoutMs, route);
      report({ status: null, reason: null, errorKind: failure.kind });
      return failure;
    };

    let response: Response;
    let text: string;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      text = method === 'HEAD' ? '' : await response.text();
    } catch (error) {
      throw noAnswer(error);
    }

    const status = response.status;
    const requestId = response.headers.get('request-id') ?? undefined;
    let envelope: CrispEnvelope | null = null;
    if (text.length > 0) {
      try {
        const parsed = CrispEnvelope.safeParse(JSON.parse(text));
        if (parsed.success) envelope = parsed.data;
      } catch {
        envelope = null;
      }
    }
    // Every text taken from the answer is redacted here, once for all its uses (a server may
    // repeat the Authorization header in its errors).
    const reason = envelope?.reason != null ? redactSecrets(envelope.reason) : null;

    if (status >= 200 && status < 300) {
      if (method === 'HEAD') {
        report({ status, reason, headers: response.headers });
        return {
          status,
          reason,
          data: undefined as z.output<S>,
          headers: response.headers,
          requestId,
        };
      }
      const data = envelope ? schema.safeParse(envelope.data ?? {}) : null;
      if (!envelope || !data?.success || envelope.error) {
        const failure = new CrispRequestError(
          'server',
          `Crisp answered HTTP ${status} with a body this app does not understand${envelope ? '' : ' (not JSON)'}.`,
          { status, reason: reason ?? undefined, route, headers: response.headers, requestId },
        );
        report({ status, reason, errorKind: failure.kind, headers: response.headers });
        throw failure;
      }
      report({ status, reason, headers: response.headers });
      return { status, reason, data: data.data, headers: response.headers, requestId };
    }

    const errorData = CrispErrorData.safeParse(envelope?.data);
    const crispMessage =
      errorData.success && errorData.data.message !== undefined
        ? redactSecrets(errorData.data.message)
        : undefined;
    const kind = envelope || status < 500 ? classifyErrorAnswer(status, reason) : 'server';
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const message =
      kind === 'server' && !envelope
        ? `Crisp had a problem answering (HTTP ${status}${response.statusText ? ` ${redactSecrets(response.statusText)}` : ''}, not a JSON answer).`
        : describeErrorAnswer(kind, status, reason, crispMessage);
    report({ status, reason, errorKind: kind, headers: response.headers, retryAfterMs });
    throw new CrispRequestError(kind, message, {
      status,
      reason: reason ?? undefined,
      crispMessage,
      retryAfterMs,
      route,
      headers: response.headers,
      requestId,
    });
  }
}

function checkBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
    throw new CrispRequestError(
      'invalid_data',
      `The ${what} cannot be sent to Crisp: ${issue?.message ?? 'it is not valid'}${where}.`,
    );
  }
  return parsed.data;
}

function describeNoAnswer(
  error: unknown,
  timeout: AbortSignal,
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  route: CrispRoute,
): CrispRequestError {
  if (callerSignal?.aborted) {
    return new CrispRequestError('aborted', 'The request to Crisp was cancelled.', { route });
  }
  if (timeout.aborted) {
    return new CrispRequestError(
      'timeout',
      `Crisp did not answer within ${Math.round(timeoutMs / 100) / 10} s.`,
      { route },
    );
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code;
  const words: Record<string, string> = {
    ECONNRESET: 'the connection was reset',
    UND_ERR_SOCKET: 'the connection closed before the answer was complete',
    ECONNREFUSED: 'the connection was refused',
    ENOTFOUND: 'the server name could not be found (no network, or a wrong address)',
    EAI_AGAIN: 'the server name could not be looked up (no network?)',
    ENETUNREACH: 'the network is unreachable',
    EHOSTUNREACH: 'the server is unreachable',
    ETIMEDOUT: 'the connection timed out',
    EPIPE: 'the connection was closed',
    UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  };
  const what = (code && words[code]) ?? 'the network request failed';
  return new CrispRequestError('network', `Could not reach Crisp: ${what}.`, {
    route,
    ...(code ? { networkCode: code } : {}),
  });
}
