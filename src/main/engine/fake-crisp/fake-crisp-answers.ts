/**
 * The fake Crisp's answers before delivery (delivery may be delayed or lost by faults): Crisp's
 * JSON envelope and its usual errors, and the query string as Crisp reads it.
 */
import { decodeSegment } from './route-table';

/** An answer before delivery: delivery may be delayed or lost (faults). */
export interface Answer {
  status: number;
  reason: string | null;
  body: string;
  contentType: string;
  bloomStatus: string;
  headers?: Record<string, string>;
  /** The HTTP status line's text, when not the usual one. */
  statusMessage?: string;
}

export const NO_BODY = Symbol('no body');
export const BAD_JSON = Symbol('bad json');
export type ParsedBody = unknown;

export function envelope(
  status: number,
  reason: string,
  data: unknown,
  bloomStatus = 'DIRECT',
): Answer {
  return {
    status,
    reason,
    body: JSON.stringify({ error: status >= 400, reason, data }),
    contentType: 'application/json',
    bloomStatus,
  };
}

export function invalidData(message: string, namespace = 'data'): Answer {
  return envelope(400, 'invalid_data', { namespace, message });
}

export const PEOPLE_NOT_FOUND = (): Answer => envelope(404, 'people_not_found', {});

/** Query parameters, with `+` taken literally (as in paths) and %-escapes decoded. */
export function parseQuery(search: string): Map<string, string> {
  const params = new Map<string, string>();
  if (search === '') return params;
  for (const part of search.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const rawKey = equals === -1 ? part : part.slice(0, equals);
    const rawValue = equals === -1 ? '' : part.slice(equals + 1);
    params.set(decodeSegment(rawKey), decodeSegment(rawValue));
  }
  return params;
}
