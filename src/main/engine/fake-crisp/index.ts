/**
 * The fake Crisp server (a real HTTP server on loopback) used by the tests, the benchmarks,
 * `crisp-import sandbox`, `run --sandbox` and the desktop app's sandbox connection.
 *
 *   const crisp = await startFakeCrisp({ rateLimit: { perSecond: 5, status: 'alternate', retryAfter: 'none' } });
 *   // API at `${crisp.url}/v1/website/${crisp.websiteId}/people/...`, credentials in crisp.token
 */
export type {
  DailyQuotaConfig,
  ErrorAnswer,
  FakeCrisp,
  FakeCrispConfig,
  FakeCrispConfigPatch,
  FakeCrispToken,
  FaultConfig,
  ListenOptions,
  OutageConfig,
  ProfileSeed,
  RateLimitConfig,
  RequestLogEntry,
  StoredProfile,
  TokenTier,
} from './fake-crisp-types';
export { startFakeCrisp } from './fake-crisp-server';
export { defaultFakeCrispConfig } from './fake-crisp-config';
export { demoContacts, startSandboxCrisp, type SandboxOptions } from './sandbox-crisp';
