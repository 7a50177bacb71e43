/**
 * Finding the token for a website: the environment first (headless use: CI, servers), then the
 * OS keychain, else a plain error saying how to log in.
 */
import {
  CrispApiUrl,
  CrispTier,
  DEFAULT_CRISP_API_URL,
  TokenIdentifier,
  TokenKey,
  WebsiteId,
  firstIssue,
  withHiddenKey,
  type CredentialSource,
  type CrispConnection,
  type CrispCredentials,
} from './crisp-connection';
import { loadCrispCredentials, type KeychainOptions } from './keychain';

/** Environment variables read for headless use. */
export const CREDENTIAL_ENV = {
  identifier: 'CRISP_IDENTIFIER',
  key: 'CRISP_KEY',
  /** `website` (default) or `plugin`. */
  tier: 'CRISP_TIER',
  /** Optional API origin (e.g. the sandbox's URL). */
  apiUrl: 'CRISP_API_URL',
  /** Optional website id when none is given on the command line. */
  websiteId: 'CRISP_WEBSITE_ID',
} as const;

/** A problem with the given or saved credentials, in plain words with the next step. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Credentials from CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER (default `website`), or `undefined`
 * when neither the identifier nor the key is set. Throws a CredentialsError when only one of them
 * is set or a value is not valid (the message never contains the key).
 */
export function credentialsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): CrispCredentials | undefined {
  const identifierText = envValue(env, CREDENTIAL_ENV.identifier);
  const keyText = envValue(env, CREDENTIAL_ENV.key);
  if (identifierText === undefined && keyText === undefined) return undefined;
  if (identifierText === undefined || keyText === undefined) {
    const missing = identifierText === undefined ? CREDENTIAL_ENV.identifier : CREDENTIAL_ENV.key;
    const present = identifierText === undefined ? CREDENTIAL_ENV.key : CREDENTIAL_ENV.identifier;
    throw new CredentialsError(
      `${present} is set but ${missing} is not. Set both (and CRISP_TIER if the token is a plugin token), or unset both to use the saved key.`,
    );
  }
  const identifier = TokenIdentifier.safeParse(identifierText);
  if (!identifier.success) {
    throw new CredentialsError(
      `${CREDENTIAL_ENV.identifier} is not valid: ${firstIssue(identifier.error)}.`,
    );
  }
  const key = TokenKey.safeParse(keyText);
  if (!key.success) {
    throw new CredentialsError(`${CREDENTIAL_ENV.key} is not valid: ${firstIssue(key.error)}.`);
  }
  const tierText = envValue(env, CREDENTIAL_ENV.tier)?.trim().toLowerCase() ?? 'website';
  const tier = CrispTier.safeParse(tierText);
  if (!tier.success) {
    throw new CredentialsError(
      `${CREDENTIAL_ENV.tier} must be "website" or "plugin" (it is "${tierText.slice(0, 20)}").`,
    );
  }
  return { identifier: identifier.data, key: key.data, tier: tier.data };
}

export interface ResolveConnectionInput {
  /** Default: CRISP_WEBSITE_ID. */
  websiteId?: string;
  /** Overrides CRISP_API_URL and the URL saved with the key. */
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Keychain service (tests); default from the environment, see keychain.ts. */
  service?: string;
}

/** A connection and where its token came from. */
export interface ResolvedConnection {
  connection: CrispConnection;
  source: CredentialSource;
}

/**
 * The connection for a website: token from the environment if CRISP_IDENTIFIER/CRISP_KEY are set,
 * else from the keychain. API URL: `apiUrl`, else CRISP_API_URL, else the one saved with the key,
 * else Crisp's production API. The connection's key is hidden from JSON.stringify and inspect.
 * Throws CredentialsError (plain message with the next step) or KeychainUnavailableError.
 */
export async function resolveCrispConnectionWithSource(
  input: ResolveConnectionInput = {},
): Promise<ResolvedConnection> {
  const env = input.env ?? process.env;
  const websiteText = input.websiteId ?? envValue(env, CREDENTIAL_ENV.websiteId);
  if (websiteText === undefined) {
    throw new CredentialsError(
      'Say which Crisp website to use: --website <id> (or set CRISP_WEBSITE_ID). The id is in Crisp: Settings > Website Settings > Setup Instructions.',
    );
  }
  const website = WebsiteId.safeParse(websiteText);
  if (!website.success) {
    throw new CredentialsError(`The website id is not valid: ${firstIssue(website.error)}.`);
  }
  const websiteId = website.data;

  const explicitUrl = input.apiUrl ?? envValue(env, CREDENTIAL_ENV.apiUrl);
  let apiUrl: string | undefined;
  if (explicitUrl !== undefined) {
    const parsed = CrispApiUrl.safeParse(explicitUrl);
    if (!parsed.success) {
      throw new CredentialsError(`The API URL is not valid: ${firstIssue(parsed.error)}.`);
    }
    apiUrl = parsed.data;
  }

  const fromEnv = credentialsFromEnvironment(env);
  if (fromEnv) {
    return {
      connection: withHiddenKey({ ...fromEnv, websiteId, apiUrl: apiUrl ?? DEFAULT_CRISP_API_URL }),
      source: 'environment',
    };
  }

  const keychainOptions: KeychainOptions = { env };
  if (input.service !== undefined) keychainOptions.service = input.service;
  const saved = await loadCrispCredentials(websiteId, keychainOptions);
  if (!saved) {
    throw new CredentialsError(
      `No key is saved for website ${websiteId}. Log in first: crisp-import login --website ${websiteId} ` +
        '(or set CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER in the environment).',
    );
  }
  return {
    connection: withHiddenKey({
      identifier: saved.identifier,
      key: saved.key,
      tier: saved.tier,
      websiteId,
      apiUrl: apiUrl ?? saved.apiUrl ?? DEFAULT_CRISP_API_URL,
    }),
    source: 'keychain',
  };
}

/** Like resolveCrispConnectionWithSource, returning only the connection. */
export async function resolveCrispConnection(
  input: ResolveConnectionInput = {},
): Promise<CrispConnection> {
  return (await resolveCrispConnectionWithSource(input)).connection;
}
