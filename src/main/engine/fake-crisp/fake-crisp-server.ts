/**
 * The fake Crisp server: a real HTTP server (node:http) serving the people routes of Crisp's
 * REST API v1 with Crisp's envelope, statuses and reasons, plus configurable rate limits, a daily
 * quota and faults. See the project notes on Crisp's API (shared/crisp-api.md beside the repository) §9 for the behaviours it copies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { applyConfigPatch, defaultFakeCrispConfig } from './fake-crisp-config';
import type {
  FakeCrisp,
  FakeCrispConfig,
  FakeCrispConfigPatch,
  FakeCrispToken,
  ListenOptions,
  OutageConfig,
  ProfileSeed,
  RequestLogEntry,
  StoredProfile,
} from './fake-crisp-types';
import { FaultDice } from './fault-dice';
import { failingEmailStatus } from './email-faults';
import { ProfileStore } from './profile-store';
import { BAD_JSON, envelope, NO_BODY, type Answer, type ParsedBody } from './fake-crisp-answers';
import { PeopleRoutes } from './people-routes';
import { RouteRateLimiter } from './route-rate-limiter';
import { isPlainObject } from './profile-validation';
import { matchRoute, type RouteMatch } from './route-table';

/** A request body larger than this is refused (413). */
const MAX_BODY_BYTES = 1024 * 1024;
/** The request log keeps at most this many entries (the oldest half is dropped past it). */
const MAX_LOG_ENTRIES = 500_000;

function htmlServerError(status: 500 | 502 | 503): Answer {
  const title = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[
    status
  ];
  return {
    status,
    reason: null,
    body: `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    contentType: 'text/html',
    bloomStatus: 'OFFLINE',
  };
}

/** The answer of an outage (Crisp down): the `count`-th of it when the status is 'mixed'. */
function outageAnswer(outage: OutageConfig, count: number): Answer {
  const status = outage.status === 'mixed' ? ([502, 503, 500] as const)[count % 3]! : outage.status;
  const answer =
    outage.body === 'json'
      ? { ...envelope(status, 'service_unavailable', {}), bloomStatus: 'OFFLINE' }
      : htmlServerError(status);
  if (status === 503 && outage.retryAfterSeconds !== null)
    answer.headers = { 'Retry-After': String(outage.retryAfterSeconds) };
  return answer;
}

function weakEtag(body: string): string {
  // FNV-1a over the body: cheap and stable.
  let hash = 0x811c9dc5;
  for (let index = 0; index < body.length; index += 1) {
    hash ^= body.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return `W/"${(hash >>> 0).toString(16)}-${body.length.toString(16)}"`;
}

function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () =>
      resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }),
    );
    req.on('error', reject);
  });
}

function parseJsonBody(text: string): ParsedBody | typeof NO_BODY | typeof BAD_JSON {
  if (text.trim() === '') return NO_BODY;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return BAD_JSON;
  }
}

interface TokenState {
  token: FakeCrispToken;
  revoked: boolean;
  quotaUsed: number;
}

export async function startFakeCrisp(
  initial: FakeCrispConfigPatch = {},
  listen: ListenOptions = {},
): Promise<FakeCrisp> {
  let config: FakeCrispConfig = applyConfigPatch(defaultFakeCrispConfig(), initial);
  let tokens = new Map<string, TokenState>();
  let limiter: RouteRateLimiter | null = null;
  let dice = new FaultDice(config.faults.seed);
  const store = new ProfileStore();
  let log: RequestLogEntry[] = [];
  const listeners = new Set<(entry: RequestLogEntry) => void>();
  const pendingSlow = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  let lastStamp = 0;
  /** performance.now() when the configured outage ends by itself (Infinity: when set to null). */
  let outageEndsAt = Infinity;
  let outageAnswers = 0;

  function rebuildTokens(): void {
    const previous = tokens;
    tokens = new Map();
    for (const token of config.tokens) {
      const old = previous.get(token.identifier);
      tokens.set(token.identifier, {
        token: { ...token },
        revoked: old?.revoked ?? false,
        quotaUsed: old?.quotaUsed ?? 0,
      });
    }
  }

  function applyConfig(patch: FakeCrispConfigPatch): void {
    config = applyConfigPatch(config, patch);
    if (patch.tokens !== undefined) rebuildTokens();
    if (patch.rateLimit !== undefined)
      limiter = config.rateLimit ? new RouteRateLimiter(config.rateLimit) : null;
    if (patch.faults?.seed !== undefined) dice = new FaultDice(config.faults.seed);
    if (patch.readCacheMs !== undefined) routes.clearReadCache();
    if (patch.outage !== undefined) {
      const forMs = config.outage?.forMs ?? null;
      outageEndsAt = forMs === null ? Infinity : performance.now() + forMs;
      outageAnswers = 0;
    }
  }

  /** The outage in force now, if any (one given `forMs` ends by itself). */
  function currentOutage(): OutageConfig | null {
    if (config.outage && performance.now() >= outageEndsAt) config = { ...config, outage: null };
    return config.outage;
  }
  rebuildTokens();
  limiter = config.rateLimit ? new RouteRateLimiter(config.rateLimit) : null;
  if (config.outage?.forMs != null) outageEndsAt = performance.now() + config.outage.forMs;

  /** Unix ms, strictly increasing, so every write moves `updated_at`. */
  function stamp(): number {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return lastStamp;
  }

  function record(entry: RequestLogEntry): void {
    if (log.length >= MAX_LOG_ENTRIES) log = log.slice(MAX_LOG_ENTRIES / 2);
    log.push(entry);
    for (const listener of listeners) listener(entry);
  }

  // -------------------------------------------------------------------------------------------
  const routes = new PeopleRoutes(store, () => config, stamp);

  // -------------------------------------------------------------------------------------------
  // Authentication, limits and faults

  function authenticate(req: IncomingMessage): { state: TokenState } | { failure: Answer } {
    const header = req.headers.authorization ?? '';
    let state: TokenState | undefined;
    let key = '';
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon !== -1) {
        state = tokens.get(decoded.slice(0, colon));
        key = decoded.slice(colon + 1);
      }
    }
    if (!state || state.token.key !== key || state.revoked) {
      return { failure: envelope(config.authFailure.status, config.authFailure.reason, {}) };
    }
    const tier = req.headers['x-crisp-tier'];
    if (typeof tier !== 'string' || tier.toLowerCase() !== state.token.tier) {
      return { failure: envelope(config.tierMismatch.status, config.tierMismatch.reason, {}) };
    }
    return { state };
  }

  function deliver(req: IncomingMessage, res: ServerResponse, given: Answer): void {
    if (res.destroyed || res.writableEnded) return;
    const answer = config.echoAuthorization ? echoAuthorization(given, req) : given;
    const headers: Record<string, string | number> = {
      'Content-Type': answer.contentType,
      'Content-Length': Buffer.byteLength(answer.body),
      'Request-Id': randomUUID(),
      'Bloom-Status': answer.bloomStatus,
      ...answer.headers,
    };
    if (req.method === 'GET' && answer.status === 200) {
      headers.Etag = weakEtag(answer.body);
      headers.Vary = 'ETag';
    }
    const statusMessage =
      answer.statusMessage ?? (answer.status === 420 ? 'Enhance Your Calm' : undefined);
    if (statusMessage) res.writeHead(answer.status, statusMessage, headers);
    else res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }

  /** An error answer that repeats the request's Authorization header (echoAuthorization). */
  function echoAuthorization(answer: Answer, req: IncomingMessage): Answer {
    if (answer.status < 400) return answer;
    const header = req.headers.authorization ?? '(none)';
    const said = `Authorization: ${header}`;
    if (answer.contentType !== 'application/json') {
      return { ...answer, body: `${answer.body}<!-- ${said} -->`, statusMessage: `Error ${said}` };
    }
    const parsed = JSON.parse(answer.body) as { reason: string; data: unknown };
    const data = isPlainObject(parsed.data) ? parsed.data : {};
    const envelopeOut =
      config.echoAuthorization === 'reason'
        ? { ...parsed, reason: `${parsed.reason} (${said})` }
        : { ...parsed, data: { ...data, message: `request refused; ${said}` } };
    return { ...answer, body: JSON.stringify(envelopeOut) };
  }

  function resetConnection(req: IncomingMessage): void {
    const socket = req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  /**
   * What stops a request before its route runs: the token, the website, the rate limit, the
   * day's quota (each admitted request counts toward it), a body too large. Null: admitted.
   */
  function admission(req: IncomingMessage, route: RouteMatch, tooLarge: boolean): Answer | null {
    const auth = authenticate(req);
    if ('failure' in auth) {
      return auth.failure;
    }
    if (route.websiteId !== config.websiteId) {
      return envelope(404, 'not_subscribed', {});
    }
    if (limiter) {
      const decision = limiter.take(auth.state.token.identifier, route.name, performance.now());
      if (!decision.allowed) {
        const answer = envelope(
          decision.status,
          decision.status === 420 ? 'enhance_your_calm' : 'too_many_requests',
          {},
        );
        if (config.rateLimit?.retryAfter === 'seconds') {
          answer.headers = { 'Retry-After': String(decision.retryAfterSeconds) };
        }
        return answer;
      }
    }
    // Counted even without a quota, so tests and benchmarks can read what a run cost.
    if (config.dailyQuota && auth.state.quotaUsed >= config.dailyQuota.limit) {
      return envelope(config.dailyQuota.status, config.dailyQuota.reason, {});
    }
    auth.state.quotaUsed += 1;
    if (tooLarge) {
      return envelope(413, 'payload_too_large', { message: 'the request body is too large' });
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const search = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
    const { text, tooLarge } = await readBody(req);
    const route = matchRoute(method, path);
    const answerNow = (answer: Answer, routeName: string): void => {
      deliver(req, res, answer);
      record({
        at,
        method,
        route: routeName,
        path,
        status: answer.status,
        reason: answer.reason,
        outcome: 'answered',
      });
    };

    const outage = currentOutage();
    if (outage) {
      answerNow(outageAnswer(outage, outageAnswers++), route?.name ?? '(unknown route)');
      return;
    }
    if (!route) {
      answerNow(
        envelope(404, 'not_found', { message: 'the route does not exist' }),
        '(unknown route)',
      );
      return;
    }
    const refusal = admission(req, route, tooLarge);
    if (refusal) {
      answerNow(refusal, route.name);
      return;
    }

    const run = (): Answer =>
      method === 'GET' || method === 'HEAD'
        ? routes.executeRead(route, path, search)
        : routes.execute(route, parseJsonBody(text), search);

    const faults = config.faults;
    const failing = failingEmailStatus(faults.failingEmails, method, path, text);
    if (failing !== null) {
      answerNow(
        failing >= 500
          ? htmlServerError(failing === 502 || failing === 503 ? failing : 500)
          : envelope(failing, 'invalid_data', { message: 'this contact is refused (fake fault)' }),
        route.name,
      );
      return;
    }
    const faultsHere = faults.scope === 'all' || (method !== 'GET' && method !== 'HEAD');
    const roll =
      faultsHere && faults.serverErrorRate + faults.connectionResetRate + faults.slowRate > 0
        ? dice.next()
        : 1;
    if (roll < faults.serverErrorRate) {
      const statuses = [500, 502, 503] as const;
      answerNow(htmlServerError(statuses[Math.floor(dice.next() * 3)] ?? 500), route.name);
      return;
    }
    if (roll < faults.serverErrorRate + faults.connectionResetRate) {
      // Half the resets happen before the write, half after it (the answer is lost).
      const afterWrite = dice.next() < 0.5;
      const answer = afterWrite ? run() : null;
      resetConnection(req);
      record({
        at,
        method,
        route: route.name,
        path,
        status: answer?.status ?? 0,
        reason: answer?.reason ?? null,
        outcome: 'reset',
      });
      return;
    }
    if (roll < faults.serverErrorRate + faults.connectionResetRate + faults.slowRate) {
      const answer = run();
      // Logged at once (the answer is decided), delivered after slowMs.
      record({
        at,
        method,
        route: route.name,
        path,
        status: answer.status,
        reason: answer.reason,
        outcome: 'slow',
      });
      const pending = {
        res,
        timer: setTimeout(() => {
          pendingSlow.delete(pending);
          deliver(req, res, answer);
        }, faults.slowMs),
      };
      pendingSlow.add(pending);
      return;
    }
    answerNow(run(), route.name);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the fake: answer 500 with a JSON body so the test sees it.
      if (!res.headersSent && !res.destroyed) {
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: true, reason: 'fake_server_bug', data: { message } }));
      }
    });
  });
  server.keepAliveTimeout = 30_000;

  const host = listen.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const firstToken = (): TokenState => {
    const first = config.tokens[0];
    const state = first ? tokens.get(first.identifier) : undefined;
    if (!state) throw new Error('The fake Crisp server has no token');
    return state;
  };
  const tokenState = (identifier?: string): TokenState => {
    if (identifier === undefined) return firstToken();
    const state = tokens.get(identifier);
    if (!state) throw new Error(`No token with identifier ${identifier}`);
    return state;
  };
  const copy = (profile: StoredProfile): StoredProfile => structuredClone(profile);

  return {
    url: `http://${urlHost}:${port}`,
    get websiteId() {
      return config.websiteId;
    },
    get token() {
      return { ...firstToken().token };
    },
    configure(patch) {
      applyConfig(patch);
    },
    seedProfiles(profiles: ProfileSeed[]) {
      for (const seed of profiles) store.add(seed, stamp());
    },
    getProfile(emailOrId) {
      const profile = store.find(emailOrId);
      return profile ? copy(profile) : undefined;
    },
    listProfiles() {
      return Array.from(store.all(), copy);
    },
    editProfile(emailOrId, changes) {
      const profile = store.find(emailOrId);
      if (!profile) throw new Error(`No profile ${emailOrId}`);
      Object.assign(profile, structuredClone(changes));
      profile.updated_at = stamp();
    },
    requestLog() {
      return log.map((entry) => ({ ...entry }));
    },
    clearRequestLog() {
      log = [];
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    quotaUsed(identifier) {
      return tokenState(identifier).quotaUsed;
    },
    resetQuota() {
      for (const state of tokens.values()) state.quotaUsed = 0;
    },
    revokeToken(identifier) {
      tokenState(identifier).revoked = true;
    },
    restoreToken(identifier) {
      tokenState(identifier).revoked = false;
    },
    async close() {
      for (const pending of pendingSlow) {
        clearTimeout(pending.timer);
        pending.res.destroy();
      }
      pendingSlow.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
