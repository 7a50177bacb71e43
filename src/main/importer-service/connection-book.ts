/**
 * The Crisp websites the user connected: non-secret parts in settings.json (shared with the CLI),
 * keys in the OS keychain. Lists never carry a key. Saving tests the credentials first.
 * "Try the sandbox" starts the fake Crisp on loopback inside this process and saves a connection
 * to it like any other.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  ConnectionCredentials,
  ConnectionList,
  ConnectionSummary,
  ConnectionTestInput,
  ConnectionTestResult,
  IpcErrorCode,
} from '../../shared/ipc-contract';
import {
  dailyBudgetFor,
  forgetConnection,
  loadAppSettings,
  rememberConnection,
  updateAppSettings,
  type AppSettings,
} from '../engine/app-settings';
import {
  CrispApiUrl,
  DEFAULT_CRISP_API_URL,
  TokenIdentifier,
  TokenKey,
  WebsiteId,
  deleteCrispCredentials,
  firstIssue,
  loadCrispCredentials,
  maskIdentifier,
  saveCrispCredentials,
  testCrispConnection,
  type ConnectionProblem,
  withHiddenKey,
  type CrispConnection,
  type KeychainOptions,
} from '../engine/credentials';
import { startSandboxCrisp, type FakeCrisp } from '../engine/fake-crisp';
import { IpcFailure } from '../ipc/ipc-failure';
import type { DesktopPreferenceFile } from './desktop-preferences';
import { toIpcFailure } from './engine-errors';

const PROBLEM_CODES: Record<ConnectionProblem, IpcErrorCode> = {
  wrong_key: 'credentials_rejected',
  wrong_tier: 'credentials_rejected',
  website_not_bound: 'credentials_rejected',
  no_network: 'network_unreachable',
  quota: 'internal',
  server: 'internal',
  unknown: 'internal',
};

export const SANDBOX_LABEL = 'Sandbox (practice, on this computer)';

export interface ConnectionBookOptions {
  stateDir: string;
  preferences: DesktopPreferenceFile;
  keychain: KeychainOptions;
  /** Timeout of the test request (default 10 s). */
  testTimeoutMs?: number;
  /**
   * API origin for newly added websites (like the CLI's CRISP_API_URL): a fake Crisp in tests.
   * Default Crisp's production API.
   */
  defaultApiUrl?: string;
}

export class ConnectionBook {
  private sandbox: FakeCrisp | null = null;
  private sandboxStarting: Promise<FakeCrisp> | null = null;

  constructor(private readonly options: ConnectionBookOptions) {}

  async list(): Promise<ConnectionList> {
    const { settings } = await loadAppSettings(this.options.stateDir);
    const prefs = await this.options.preferences.read();
    const connections: ConnectionSummary[] = [];
    for (const saved of settings.connections) {
      let identifier: string;
      try {
        identifier =
          (await loadCrispCredentials(saved.websiteId, this.options.keychain))?.identifier ?? '';
      } catch {
        identifier = '';
      }
      connections.push(
        this.summary(settings, saved.websiteId, identifier, prefs.sandbox?.websiteId),
      );
    }
    const ids = connections.map((c) => c.connectionId);
    const preferred = prefs.defaultConnectionId;
    return {
      connections,
      defaultConnectionId:
        preferred !== null && ids.includes(preferred) ? preferred : (ids[0] ?? null),
    };
  }

  private summary(
    settings: AppSettings,
    websiteId: string,
    identifier: string,
    sandboxWebsiteId: string | undefined,
  ): ConnectionSummary {
    const saved = settings.connections.find((c) => c.websiteId === websiteId);
    const tier = saved?.tier ?? 'website';
    const budget = dailyBudgetFor(settings, websiteId, tier);
    const sandbox = sandboxWebsiteId === websiteId;
    return {
      connectionId: websiteId,
      websiteId,
      label: saved?.label ?? (sandbox ? SANDBOX_LABEL : websiteId),
      tokenKind: tier,
      identifierHint: identifier === '' ? '(key missing)' : maskIdentifier(identifier),
      sandbox,
      budget: { requestsPerDay: budget.dailyBudget, reserve: budget.reserve },
    };
  }

  private async summaryOf(websiteId: string): Promise<ConnectionSummary> {
    const list = await this.list();
    const found = list.connections.find((c) => c.connectionId === websiteId);
    if (!found) throw new IpcFailure('not_found', 'This connection no longer exists.');
    return found;
  }

  /** Checks the typed values and turns them into a connection (with the key, hidden from logs). */
  private parseCredentials(input: ConnectionCredentials, apiUrl?: string): CrispConnection {
    const website = WebsiteId.safeParse(input.websiteId);
    if (!website.success) {
      throw new IpcFailure(
        'credentials_rejected',
        `The website id is not valid: ${firstIssue(website.error)}.`,
      );
    }
    const identifier = TokenIdentifier.safeParse(input.identifier);
    if (!identifier.success) {
      throw new IpcFailure(
        'credentials_rejected',
        `The token identifier is not valid: ${firstIssue(identifier.error)}.`,
      );
    }
    const key = TokenKey.safeParse(input.key);
    if (!key.success) {
      throw new IpcFailure(
        'credentials_rejected',
        `The token key is not valid: ${firstIssue(key.error)}.`,
      );
    }
    return withHiddenKey({
      websiteId: website.data,
      identifier: identifier.data,
      key: key.data,
      tier: input.tokenKind,
      apiUrl: apiUrl ?? DEFAULT_CRISP_API_URL,
    });
  }

  /** The connection for a saved website, with its key (for the engine only; never sent out). */
  async resolve(connectionId: string): Promise<CrispConnection> {
    const { settings } = await loadAppSettings(this.options.stateDir);
    const saved = settings.connections.find((c) => c.websiteId === connectionId);
    if (!saved) {
      throw new IpcFailure(
        'not_found',
        'This connection no longer exists. Connect the website again.',
      );
    }
    const prefs = await this.options.preferences.read();
    if (prefs.sandbox?.websiteId === connectionId) await this.ensureSandbox();
    let credentials;
    try {
      credentials = await loadCrispCredentials(connectionId, this.options.keychain);
    } catch (error) {
      throw toIpcFailure(error);
    }
    if (!credentials) {
      throw new IpcFailure(
        'credentials_rejected',
        'The key of this connection is missing from the keychain. Connect the website again.',
      );
    }
    const refreshed = await loadAppSettings(this.options.stateDir);
    const current = refreshed.settings.connections.find((c) => c.websiteId === connectionId);
    return withHiddenKey({
      websiteId: connectionId,
      identifier: credentials.identifier,
      key: credentials.key,
      tier: credentials.tier,
      apiUrl: current?.apiUrl ?? credentials.apiUrl ?? DEFAULT_CRISP_API_URL,
    });
  }

  /** One cheap request (people stats) to tell whether the credentials work, in plain words. */
  async test(input: ConnectionTestInput): Promise<ConnectionTestResult> {
    let connection: CrispConnection;
    try {
      connection =
        'credentials' in input
          ? this.parseCredentials(
              input.credentials,
              await this.apiUrlFor(input.credentials.websiteId),
            )
          : await this.resolve(input.connectionId);
    } catch (error) {
      const failure = toIpcFailure(error);
      return { ok: false, problem: failure.code, message: failure.message };
    }
    return this.probe(connection);
  }

  /** Where the website's Crisp API is (the sandbox's loopback address, or Crisp's). */
  async apiUrlOf(websiteId: string): Promise<string> {
    return (await this.apiUrlFor(websiteId)) ?? DEFAULT_CRISP_API_URL;
  }

  /** The API URL saved for a website (the sandbox's loopback address), if any. */
  private async apiUrlFor(websiteId: string): Promise<string | undefined> {
    const { settings } = await loadAppSettings(this.options.stateDir);
    return (
      settings.connections.find((c) => c.websiteId === websiteId.trim().toLowerCase())?.apiUrl ??
      this.options.defaultApiUrl
    );
  }

  private async probe(connection: CrispConnection): Promise<ConnectionTestResult> {
    const result = await testCrispConnection(connection, {
      timeoutMs: this.options.testTimeoutMs ?? 10_000,
    });
    if (result.ok) return { ok: true, problem: null, message: result.message };
    return { ok: false, problem: PROBLEM_CODES[result.problem], message: result.message };
  }

  /** Tests, then saves the key in the keychain and the rest in settings. */
  async save(input: ConnectionCredentials): Promise<ConnectionSummary> {
    const apiUrl = await this.apiUrlFor(input.websiteId);
    const connection = this.parseCredentials(input, apiUrl);
    const tested = await this.probe(connection);
    if (!tested.ok) throw new IpcFailure(tested.problem ?? 'credentials_rejected', tested.message);
    await this.store(connection, input.label);
    return this.summaryOf(connection.websiteId);
  }

  private async store(connection: CrispConnection, label: string | undefined): Promise<void> {
    const apiUrl = connection.apiUrl === DEFAULT_CRISP_API_URL ? undefined : connection.apiUrl;
    try {
      await saveCrispCredentials(
        connection.websiteId,
        {
          identifier: connection.identifier,
          key: connection.key,
          tier: connection.tier,
          ...(apiUrl !== undefined ? { apiUrl } : {}),
        },
        this.options.keychain,
      );
    } catch (error) {
      throw toIpcFailure(error);
    }
    await updateAppSettings(this.options.stateDir, (settings) =>
      rememberConnection(settings, {
        websiteId: connection.websiteId,
        tier: connection.tier,
        ...(label !== undefined && label !== '' ? { label } : {}),
        ...(apiUrl !== undefined ? { apiUrl: CrispApiUrl.parse(apiUrl) } : {}),
      }),
    );
    await this.options.preferences.update((prefs) =>
      prefs.defaultConnectionId === null
        ? { ...prefs, defaultConnectionId: connection.websiteId }
        : prefs,
    );
  }

  async remove(connectionId: string): Promise<ConnectionList> {
    const { settings } = await loadAppSettings(this.options.stateDir);
    if (!settings.connections.some((c) => c.websiteId === connectionId)) {
      throw new IpcFailure('not_found', 'This connection no longer exists.');
    }
    try {
      await deleteCrispCredentials(connectionId, this.options.keychain);
    } catch (error) {
      throw toIpcFailure(error);
    }
    await updateAppSettings(this.options.stateDir, (s) => forgetConnection(s, connectionId));
    await this.options.preferences.update((prefs) => ({
      ...prefs,
      defaultConnectionId:
        prefs.defaultConnectionId === connectionId ? null : prefs.defaultConnectionId,
      sandbox: prefs.sandbox?.websiteId === connectionId ? null : prefs.sandbox,
    }));
    return this.list();
  }

  /** Starts the sandbox (if needed) and saves its connection; the same one on every call. */
  async useSandbox(): Promise<ConnectionSummary> {
    const crisp = await this.ensureSandbox();
    return this.summaryOf(crisp.websiteId);
  }

  /** Starts the in-process fake Crisp with the saved sandbox identity (or a new one). */
  private ensureSandbox(): Promise<FakeCrisp> {
    if (this.sandbox) return Promise.resolve(this.sandbox);
    this.sandboxStarting ??= this.startSandbox().finally(() => {
      this.sandboxStarting = null;
    });
    return this.sandboxStarting;
  }

  private async startSandbox(): Promise<FakeCrisp> {
    const prefs = await this.options.preferences.read();
    let websiteId = prefs.sandbox?.websiteId ?? randomUUID();
    let token = prefs.sandbox
      ? await loadCrispCredentials(prefs.sandbox.websiteId, this.options.keychain).catch(
          () => undefined,
        )
      : undefined;
    if (!token) {
      websiteId = randomUUID();
      token = { identifier: randomUUID(), key: randomBytes(32).toString('hex'), tier: 'website' };
    }
    const config = {
      websiteId,
      tokens: [{ identifier: token.identifier, key: token.key, tier: token.tier }],
    };
    let crisp: FakeCrisp;
    try {
      crisp = await startSandboxCrisp({ port: prefs.sandbox?.port ?? 0, config });
    } catch {
      crisp = await startSandboxCrisp({ port: 0, config });
    }
    this.sandbox = crisp;
    const port = Number(new URL(crisp.url).port);
    await this.options.preferences.update((p) => ({ ...p, sandbox: { websiteId, port } }));
    await this.store(
      withHiddenKey({
        websiteId,
        identifier: token.identifier,
        key: token.key,
        tier: token.tier,
        apiUrl: crisp.url,
      }),
      SANDBOX_LABEL,
    );
    return crisp;
  }

  /** The running sandbox server (tests look at its profiles), or null. */
  runningSandbox(): FakeCrisp | null {
    return this.sandbox;
  }

  async close(): Promise<void> {
    const sandbox = this.sandbox;
    this.sandbox = null;
    await sandbox?.close();
  }
}
