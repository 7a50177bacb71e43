/**
 * The routes of the fake Crisp server, matched on the raw request path. A profile id segment is
 * a people_id or an email: taken literally (a `+` stays a `+`), percent-escapes decoded.
 */

export type RouteName =
  | 'POST /people/profile'
  | 'HEAD /people/profile/:id'
  | 'GET /people/profile/:id'
  | 'PUT /people/profile/:id'
  | 'PATCH /people/profile/:id'
  | 'DELETE /people/profile/:id'
  | 'GET /people/profiles/:page'
  | 'GET /people/data/:id'
  | 'PUT /people/data/:id'
  | 'PATCH /people/data/:id'
  | 'GET /people/subscription/:id'
  | 'PATCH /people/subscription/:id'
  | 'GET /people/stats';

export interface RouteMatch {
  /** Method and templated path: the unit of the per-route rate limit. */
  name: RouteName;
  websiteId: string;
  /** The profile id segment (people_id or email), decoded; '' when the route has none. */
  id: string;
  /** The page segment of the list route, as sent; null when absent. */
  page: string | null;
}

/** Decodes %-escapes (a `+` stays a `+`); a malformed escape leaves the text as sent. */
export function decodeSegment(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const PROFILE_METHODS = new Set(['HEAD', 'GET', 'PUT', 'PATCH', 'DELETE']);
const DATA_METHODS = new Set(['GET', 'PUT', 'PATCH']);
const SUBSCRIPTION_METHODS = new Set(['GET', 'PATCH']);

/** The route for `method` and raw `path`, or null (404 not_found). */
export function matchRoute(method: string, path: string): RouteMatch | null {
  const prefix = '/v1/website/';
  if (!path.startsWith(prefix)) return null;
  const segments = path.slice(prefix.length).split('/');
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const [websiteSegment, area, resource, idSegment, ...extra] = segments;
  if (!websiteSegment || area !== 'people' || extra.length > 0) return null;
  const websiteId = decodeSegment(websiteSegment);
  const id = idSegment === undefined ? '' : decodeSegment(idSegment);
  const match = (name: RouteName, page: string | null = null): RouteMatch => ({
    name,
    websiteId,
    id,
    page,
  });

  if (resource === 'profile') {
    if (idSegment === undefined) return method === 'POST' ? match('POST /people/profile') : null;
    if (id === '' || !PROFILE_METHODS.has(method)) return null;
    return match(`${method} /people/profile/:id` as RouteName);
  }
  if (resource === 'profiles') {
    return method === 'GET' ? match('GET /people/profiles/:page', idSegment ?? null) : null;
  }
  if (resource === 'data') {
    if (idSegment === undefined || id === '' || !DATA_METHODS.has(method)) return null;
    return match(`${method} /people/data/:id` as RouteName);
  }
  if (resource === 'subscription') {
    if (idSegment === undefined || id === '' || !SUBSCRIPTION_METHODS.has(method)) return null;
    return match(`${method} /people/subscription/:id` as RouteName);
  }
  if (resource === 'stats') {
    return idSegment === undefined && method === 'GET' ? match('GET /people/stats') : null;
  }
  return null;
}
