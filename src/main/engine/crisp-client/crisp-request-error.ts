/**
 * The one error type of the Crisp client: what went wrong, by kind, in plain words. Callers
 * decide what to do by `kind` (fail the row, pause the import, slow down, retry), never by
 * parsing the message. Messages never contain the token key.
 */

export type CrispErrorKind =
  /** Crisp refused the body (400 invalid_data, or a value this client will not send). */
  | 'invalid_data'
  /** The token was refused (401): wrong identifier or key, revoked, or the wrong kind. */
  | 'auth'
  /** The website is not bound to this token (404 not_subscribed). */
  | 'not_subscribed'
  /** The token may not use this route, or the plan does not allow it (402, 403). */
  | 'forbidden'
  /** The profile (or the route) does not exist (404). */
  | 'not_found'
  /** A profile with this email already exists (409 people_exists). */
  | 'exists'
  /** Too many requests right now (429, 420): slow down and try again. */
  | 'rate_limited'
  /** The daily request quota is spent: wait for the daily reset. */
  | 'quota'
  /** Crisp failed (5xx) or answered something that is not its JSON envelope. */
  | 'server'
  /** The connection failed or was reset before an answer arrived. */
  | 'network'
  /** No answer within the client's timeout. */
  | 'timeout'
  /** The caller cancelled the request. */
  | 'aborted';

export interface CrispRequestErrorDetails {
  status?: number;
  reason?: string;
  /** Crisp's own explanation (`data.message`), when it gave one. */
  crispMessage?: string;
  retryAfterMs?: number;
  route?: string;
  headers?: Headers;
  requestId?: string;
  /** A network failure's system code (ECONNREFUSED, ENOTFOUND, ...), when there is one. */
  networkCode?: string;
}

export class CrispRequestError extends Error {
  override readonly name = 'CrispRequestError';
  readonly kind: CrispErrorKind;
  readonly status?: number;
  readonly reason?: string;
  readonly crispMessage?: string;
  readonly retryAfterMs?: number;
  readonly route?: string;
  readonly headers?: Headers;
  readonly requestId?: string;
  readonly networkCode?: string;

  constructor(kind: CrispErrorKind, message: string, details: CrispRequestErrorDetails = {}) {
    super(message);
    this.kind = kind;
    this.status = details.status;
    this.reason = details.reason;
    this.crispMessage = details.crispMessage;
    this.retryAfterMs = details.retryAfterMs;
    this.route = details.route;
    this.headers = details.headers;
    this.requestId = details.requestId;
    this.networkCode = details.networkCode;
  }

  /** True for failures worth trying again later with the same request. */
  get transient(): boolean {
    return (
      this.kind === 'server' ||
      this.kind === 'network' ||
      this.kind === 'timeout' ||
      this.kind === 'rate_limited'
    );
  }
}

export function isCrispRequestError(error: unknown): error is CrispRequestError {
  return error instanceof CrispRequestError;
}

const REASON_WORDS: Record<string, string> = {
  invalid_session: 'the token was not accepted',
  restricted_route_tier: 'this kind of token may not use this request',
  not_allowed: 'the token is missing a permission for this request',
  not_subscribed: 'the website is not linked to this token',
};

/**
 * Classifies an error answer from Crisp. `reason` and `crispMessage` come from the JSON envelope
 * (null when the body was not JSON, e.g. an HTML error page from a proxy).
 */
export function classifyErrorAnswer(status: number, reason: string | null): CrispErrorKind {
  const r = reason ?? '';
  if (/quota/i.test(r)) return 'quota';
  if (r === 'invalid_data') return 'invalid_data';
  if (r === 'not_subscribed') return 'not_subscribed';
  if (r === 'people_exists' || status === 409) return 'exists';
  if (status === 429 || status === 420) return 'rate_limited';
  // 423 is named as a quota answer by community code; 422 that is not invalid_data is a
  // "re-schedule your calls" answer per a Crisp maintainer (crisp-api.md §2, §3). A spent quota
  // whose reason names no quota (429, 420, 422) is inferred by the sender when these keep
  // coming at its slowest pace (request-sender.ts, assumeQuotaAtFloorMs).
  if (status === 423) return 'quota';
  if (status === 422) return 'rate_limited';
  if (status === 401) return 'auth';
  if (status === 402 || status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 400) return 'invalid_data';
  if (status >= 500 || status === 408) return 'server';
  return 'invalid_data';
}

/** The plain-words message for an error answer. */
export function describeErrorAnswer(
  kind: CrispErrorKind,
  status: number,
  reason: string | null,
  crispMessage: string | undefined,
): string {
  const said = crispMessage ? `: ${crispMessage}` : '';
  const code = reason ? ` (${reason}, HTTP ${status})` : ` (HTTP ${status})`;
  switch (kind) {
    case 'invalid_data':
      return `Crisp rejected the values sent${said}${code}.`;
    case 'auth':
      return `Crisp did not accept the token${code}. Check the token identifier and key, and that the token kind (website or plugin) is the right one.`;
    case 'not_subscribed':
      return `The website is not linked to this token${code}. For a plugin token, install the plugin on this website; otherwise check the website id.`;
    case 'forbidden':
      return `Crisp does not allow this token to do that${code}${reason && REASON_WORDS[reason] ? `: ${REASON_WORDS[reason]}` : ''}. Check the token kind and its permissions.`;
    case 'not_found':
      return reason === 'not_found'
        ? `Crisp does not know this request${said}${code}. Check the API address.`
        : `Crisp has no such profile${code}.`;
    case 'exists':
      return `A Crisp profile with this email already exists${code}.`;
    case 'rate_limited':
      return `Crisp asked to slow down${code}.`;
    case 'quota':
      return `The daily request quota of this token is spent${code}. Sending continues after the daily reset.`;
    case 'server':
      return `Crisp had a problem answering${code}${said}.`;
    default:
      return `Crisp answered with an error${said}${code}.`;
  }
}

/** Parses a Retry-After header (delay in seconds, or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
