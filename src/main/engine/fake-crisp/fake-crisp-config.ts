/** Defaults of the fake Crisp server and how a configuration change is applied. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeCrispConfig, FakeCrispConfigPatch } from './fake-crisp-types';

export function defaultFakeCrispConfig(): FakeCrispConfig {
  return {
    websiteId: randomUUID(),
    tokens: [{ identifier: randomUUID(), key: randomBytes(32).toString('hex'), tier: 'website' }],
    authFailure: { status: 401, reason: 'invalid_session' },
    tierMismatch: { status: 401, reason: 'invalid_session' },
    nicknameRequired: true,
    emailFormatCheck: true,
    rejectDuplicateSegments: true,
    patchDeepMergesObjects: true,
    dataKeys: 'lowercase',
    badDataKey: 'reject',
    patchEmptyStringDeletesDataKey: true,
    saveReason: 'saved',
    readCacheMs: 0,
    rateLimit: null,
    dailyQuota: null,
    search: { multiValue: 'any', lagMs: 0, maxPerPage: 50, maxPage: 0 },
    faults: {
      serverErrorRate: 0,
      connectionResetRate: 0,
      slowRate: 0,
      slowMs: 15_000,
      seed: 1,
      scope: 'all',
      failingEmails: {},
    },
    outage: null,
    echoAuthorization: false,
  };
}

/**
 * `current` with `patch` applied (nested faults merged field by field; a quota, rate limit or
 * outage given is complete with its defaults).
 */
export function applyConfigPatch(
  current: FakeCrispConfig,
  patch: FakeCrispConfigPatch,
): FakeCrispConfig {
  const next: FakeCrispConfig = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === 'faults')
      next.faults = { ...current.faults, ...(value as FakeCrispConfig['faults']) };
    else if (key === 'search')
      next.search = { ...current.search, ...(value as FakeCrispConfig['search']) };
    else if (key === 'dailyQuota') {
      next.dailyQuota =
        value === null
          ? null
          : ({
              status: 429,
              reason: 'quota_limit_exceeded',
              ...(value as Partial<FakeCrispConfig['dailyQuota']>),
            } as FakeCrispConfig['dailyQuota']);
    } else if (key === 'rateLimit') {
      next.rateLimit =
        value === null
          ? null
          : ({
              scope: 'route',
              status: 429,
              retryAfter: 'none',
              ...(value as object),
            } as FakeCrispConfig['rateLimit']);
    } else if (key === 'outage') {
      next.outage =
        value === null
          ? null
          : {
              status: 503,
              body: 'html',
              retryAfterSeconds: null,
              forMs: null,
              ...(value as Partial<NonNullable<FakeCrispConfig['outage']>>),
            };
    } else {
      (next as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
  }
  if (next.tokens.length === 0) throw new Error('The fake Crisp server needs at least one token');
  return next;
}
