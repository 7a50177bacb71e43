/**
 * The fake's people routes, one method a route: each turns a matched route, its body and its
 * query into an answer, applying writes to the profile store as Crisp would (with the configured
 * behaviours Crisp does not document: deep-merging PATCH, empty strings deleting data keys, a
 * lagging search, the Bloom read cache). Authentication, limits and faults come before, in
 * fake-crisp-server.ts.
 */
import { performance } from 'node:perf_hooks';
import {
  BAD_JSON,
  envelope,
  invalidData,
  NO_BODY,
  parseQuery,
  PEOPLE_NOT_FOUND,
  type Answer,
  type ParsedBody,
} from './fake-crisp-answers';
import type { FakeCrispConfig, StoredProfile } from './fake-crisp-types';
import {
  mergeDeep,
  parseSearchFilter,
  profileReadShape,
  searchProfiles,
  type ProfileStore,
} from './profile-store';
import {
  dataBodyCheck,
  isPlainObject,
  profileBodyProblem,
  subscriptionBodyProblem,
} from './profile-validation';
import type { RouteMatch } from './route-table';

export class PeopleRoutes {
  private readonly readCache = new Map<string, { at: number; answer: Answer }>();
  private lagged: { at: number; profiles: StoredProfile[] } | null = null;

  constructor(
    private readonly store: ProfileStore,
    private readonly config: () => FakeCrispConfig,
    private readonly stamp: () => number,
  ) {}

  clearReadCache(): void {
    this.readCache.clear();
  }

  private profileRules() {
    return {
      nicknameRequired: this.config().nicknameRequired,
      emailFormatCheck: this.config().emailFormatCheck,
      rejectDuplicateSegments: this.config().rejectDuplicateSegments,
    };
  }

  private bodyObject(body: ParsedBody | typeof NO_BODY | typeof BAD_JSON): unknown {
    return body === NO_BODY || body === BAD_JSON ? undefined : body;
  }

  execute(
    route: RouteMatch,
    body: ParsedBody | typeof NO_BODY | typeof BAD_JSON,
    search: string,
  ): Answer {
    const input = this.bodyObject(body);
    switch (route.name) {
      case 'POST /people/profile':
        return this.addProfile(input);
      case 'HEAD /people/profile/:id':
      case 'GET /people/profile/:id':
        return this.readProfile(route.id);
      case 'PUT /people/profile/:id':
        return this.replaceProfile(route.id, input);
      case 'PATCH /people/profile/:id':
        return this.patchProfile(route.id, input);
      case 'DELETE /people/profile/:id':
        return this.removeProfile(route.id);
      case 'GET /people/profiles/:page':
        return this.listProfiles(route.page, search);
      case 'GET /people/data/:id':
        return this.readData(route.id);
      case 'PUT /people/data/:id':
      case 'PATCH /people/data/:id':
        return this.saveData(route.id, input, route.name === 'PUT /people/data/:id');
      case 'GET /people/subscription/:id':
        return this.readSubscription(route.id);
      case 'PATCH /people/subscription/:id':
        return this.saveSubscription(route.id, input);
      case 'GET /people/stats':
        return envelope(200, 'resolved', { total: this.store.size });
    }
  }

  private addProfile(input: unknown): Answer {
    const problem = profileBodyProblem(input, this.profileRules(), 'full');
    if (problem) return invalidData(problem);
    const fields = input as Record<string, unknown>;
    const email = fields.email as string;
    if (this.store.holderOf(email)) return envelope(409, 'people_exists', {});
    const now = this.stamp();
    const profile = this.store.add(
      {
        email,
        person: isPlainObject(fields.person) ? fields.person : {},
        company: isPlainObject(fields.company) ? fields.company : {},
        segments: Array.isArray(fields.segments) ? (fields.segments as string[]) : [],
        notepad: typeof fields.notepad === 'string' ? fields.notepad : '',
      },
      now,
    );
    return envelope(201, 'added', { people_id: profile.people_id });
  }

  private readProfile(id: string): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    return envelope(200, 'resolved', profileReadShape(profile));
  }

  private replaceProfile(id: string, input: unknown): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    const problem = profileBodyProblem(input, this.profileRules(), 'full');
    if (problem) return invalidData(problem);
    const fields = input as Record<string, unknown>;
    const email = fields.email as string;
    const holder = this.store.holderOf(email);
    if (holder && holder !== profile) return envelope(409, 'people_exists', {});
    this.store.changeEmail(profile, email);
    profile.person = structuredClone(isPlainObject(fields.person) ? fields.person : {});
    profile.company = structuredClone(isPlainObject(fields.company) ? fields.company : {});
    profile.segments = Array.isArray(fields.segments) ? [...(fields.segments as string[])] : [];
    profile.notepad = typeof fields.notepad === 'string' ? fields.notepad : '';
    profile.updated_at = this.stamp();
    return envelope(200, this.config().saveReason, {});
  }

  private patchProfile(id: string, input: unknown): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    const problem = profileBodyProblem(input, this.profileRules(), 'partial');
    if (problem) return invalidData(problem);
    const fields = input as Record<string, unknown>;
    if (typeof fields.email === 'string') {
      const holder = this.store.holderOf(fields.email);
      if (holder && holder !== profile) return envelope(409, 'people_exists', {});
      this.store.changeEmail(profile, fields.email);
    }
    for (const part of ['person', 'company'] as const) {
      const value = fields[part];
      if (!isPlainObject(value)) continue;
      if (this.config().patchDeepMergesObjects) mergeDeep(profile[part], value);
      else profile[part] = structuredClone(value);
    }
    if (Array.isArray(fields.segments)) profile.segments = [...(fields.segments as string[])];
    if (typeof fields.notepad === 'string') profile.notepad = fields.notepad;
    profile.updated_at = this.stamp();
    return envelope(200, 'updated', {});
  }

  private removeProfile(id: string): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    this.store.remove(profile);
    return envelope(200, 'deleted', {});
  }

  private readData(id: string): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    return envelope(200, 'resolved', { data: { ...profile.data } });
  }

  private saveData(id: string, input: unknown, replace: boolean): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    const check = dataBodyCheck(input, {
      dataKeys: this.config().dataKeys,
      badDataKey: this.config().badDataKey,
    });
    if (!check.ok) return invalidData(check.message);
    if (replace) {
      profile.data = check.data;
    } else {
      for (const [key, value] of Object.entries(check.data)) {
        if (value === '' && this.config().patchEmptyStringDeletesDataKey) delete profile.data[key];
        else profile.data[key] = value;
      }
    }
    profile.updated_at = this.stamp();
    return envelope(200, replace ? this.config().saveReason : 'updated', {});
  }

  private readSubscription(id: string): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    return envelope(200, 'resolved', { email: this.store.isSubscribed(profile) });
  }

  private saveSubscription(id: string, input: unknown): Answer {
    const profile = this.store.find(id);
    if (!profile) return PEOPLE_NOT_FOUND();
    const problem = subscriptionBodyProblem(input);
    if (problem) return invalidData(problem);
    this.store.setSubscribed(profile, (input as { email: boolean }).email);
    return envelope(200, 'updated', {});
  }

  private listProfiles(pageSegment: string | null, search: string): Answer {
    let page = 1;
    if (pageSegment !== null) {
      if (!/^[1-9][0-9]{0,8}$/.test(pageSegment)) {
        return invalidData('page_number should be an integer >= 1', 'query');
      }
      page = Number(pageSegment);
    }
    const query = parseQuery(search);
    const perPageRaw = Number.parseInt(query.get('per_page') ?? '', 10);
    const maxPerPage = this.config().search.maxPerPage;
    const perPage = Number.isNaN(perPageRaw)
      ? Math.min(20, maxPerPage)
      : Math.min(maxPerPage, Math.max(Math.min(20, maxPerPage), perPageRaw));
    const parsed = parseSearchFilter(query.get('search_filter') ?? '');
    if (typeof parsed === 'string') return invalidData(parsed, 'query');
    const filters =
      this.config().search.multiValue === 'ignored'
        ? []
        : this.config().search.multiValue === 'first'
          ? parsed.map((filter) => ({ ...filter, query: filter.query.slice(0, 1) }))
          : parsed;
    if (this.config().search.maxPage > 0 && page > this.config().search.maxPage)
      return envelope(200, 'listed', []);
    const dates: Array<number | null> = [];
    for (const name of ['filter_date_start', 'filter_date_end']) {
      const raw = query.get(name) ?? '';
      if (raw === '') {
        dates.push(null);
        continue;
      }
      const parsed = Date.parse(raw);
      if (Number.isNaN(parsed))
        return invalidData(`${name} should match format "date-time"`, 'query');
      dates.push(parsed);
    }
    const matching = searchProfiles(this.searchable(), {
      filters,
      operator: query.get('search_operator') === 'or' ? 'or' : 'and',
      text: query.get('search_text') ?? '',
      sortField: query.get('sort_field') ?? '',
      sortOrder: query.get('sort_order') === 'descending' ? 'descending' : 'ascending',
      dateStart: dates[0] ?? null,
      dateEnd: dates[1] ?? null,
    });
    const start = (page - 1) * perPage;
    return envelope(200, 'listed', matching.slice(start, start + perPage).map(profileReadShape));
  }

  /** What the list route searches: the profiles, or a copy up to `search.lagMs` old. */
  private searchable(): Iterable<StoredProfile> {
    const lagMs = this.config().search.lagMs;
    if (lagMs <= 0) return this.store.all();
    const now = performance.now();
    if (!this.lagged || now - this.lagged.at >= lagMs) {
      this.lagged = { at: now, profiles: Array.from(this.store.all(), (p) => structuredClone(p)) };
    }
    return this.lagged.profiles;
  }

  /** GET and HEAD through the Bloom cache when `readCacheMs` > 0. */
  executeRead(route: RouteMatch, path: string, search: string): Answer {
    if (this.config().readCacheMs <= 0)
      return { ...this.execute(route, NO_BODY, search), bloomStatus: 'MISS' };
    const key = `${path}?${search}`;
    const now = performance.now();
    const cached = this.readCache.get(key);
    if (cached && now - cached.at <= this.config().readCacheMs)
      return { ...cached.answer, bloomStatus: 'HIT' };
    const answer = { ...this.execute(route, NO_BODY, search), bloomStatus: 'MISS' };
    if (this.readCache.size > 20_000) {
      for (const [oldKey, entry] of this.readCache) {
        if (now - entry.at > this.config().readCacheMs) this.readCache.delete(oldKey);
      }
    }
    this.readCache.set(key, { at: now, answer });
    return answer;
  }
}
