/**
 * Crisp tokens in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on
 * Linux) through keytar: one entry per website id, the token identifier and kind stored beside the
 * key as a small JSON document. Nothing secret ever goes anywhere else.
 */
import { z } from 'zod';
import {
  CrispApiUrl,
  CrispTier,
  TokenIdentifier,
  TokenKey,
  WebsiteId,
  firstIssue,
  type CrispCredentials,
} from './crisp-connection';

/** Keychain service name of the app's entries (account = website id). */
export const DEFAULT_KEYCHAIN_SERVICE = 'Contact Importer for Crisp';
/** Environment variable that changes the service name (tests use one per test, so never collide). */
export const KEYCHAIN_SERVICE_ENV = 'CRISP_IMPORTER_KEYCHAIN_SERVICE';

export interface KeychainOptions {
  /** Service name; default: `$CRISP_IMPORTER_KEYCHAIN_SERVICE`, else DEFAULT_KEYCHAIN_SERVICE. */
  service?: string;
  env?: NodeJS.ProcessEnv;
}

/** The keychain cannot be used (no Secret Service, locked, keytar missing). Message is for people. */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
}

/** A keychain entry exists but cannot be read back (edited by another program, older format). */
export class DamagedKeychainEntryError extends Error {
  override readonly name = 'DamagedKeychainEntryError';
  constructor(readonly websiteId: string) {
    super(
      `The saved key for website ${websiteId} is damaged. Log in again: crisp-import login --website ${websiteId}`,
    );
  }
}

/** What is stored as the "password" of an entry. Version 1. */
const KeychainEntry = z.object({
  v: z.literal(1),
  identifier: TokenIdentifier,
  key: TokenKey,
  tier: CrispTier,
  apiUrl: CrispApiUrl.optional(),
});

/** Credentials as saved for one website; `apiUrl` only when not Crisp's production API. */
export interface SavedCrispCredentials extends CrispCredentials {
  apiUrl?: string;
}

/** One saved website as listed (no key). */
export interface SavedWebsite {
  websiteId: string;
  tier: CrispTier;
  identifier: string;
  apiUrl?: string;
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

let keytarModule: Promise<Keytar> | undefined;

async function keytar(): Promise<Keytar> {
  keytarModule ??= import('keytar').then(
    (m) => ((m as { default?: Keytar }).default ?? m) as Keytar,
    (error: unknown) => {
      keytarModule = undefined;
      throw new KeychainUnavailableError(
        `The system keychain module could not be loaded (${describe(error)}). ` +
          'Reinstall the app, or set CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER in the environment instead.',
      );
    },
  );
  return keytarModule;
}

export function keychainService(options: KeychainOptions = {}): string {
  const fromEnv = (options.env ?? process.env)[KEYCHAIN_SERVICE_ENV];
  return options.service ?? (fromEnv && fromEnv.trim() !== '' ? fromEnv : DEFAULT_KEYCHAIN_SERVICE);
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}

/** Runs a keytar call, turning its errors into a plain KeychainUnavailableError. */
async function withKeychain<T>(action: (k: Keytar) => Promise<T>): Promise<T> {
  const k = await keytar();
  try {
    return await action(k);
  } catch (error) {
    throw new KeychainUnavailableError(keychainProblem(describe(error)));
  }
}

function keychainProblem(detail: string): string {
  const lower = detail.toLowerCase();
  let what: string;
  if (
    lower.includes('d-bus') ||
    lower.includes('dbus') ||
    lower.includes('org.freedesktop.secrets') ||
    lower.includes('could not connect')
  ) {
    what =
      'No keychain service is running (on Linux the app needs a Secret Service such as GNOME Keyring or KWallet).';
  } else if (lower.includes('locked') || lower.includes('dismissed') || lower.includes('cancel')) {
    what = 'The keychain is locked or the request was cancelled. Unlock it and try again.';
  } else {
    what = 'The system keychain could not be used.';
  }
  return (
    `${what} (${detail}) ` +
    'Next step: start or unlock your keychain, or set CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER in the environment instead.'
  );
}

function parseWebsiteId(websiteId: string): string {
  const parsed = WebsiteId.safeParse(websiteId);
  if (!parsed.success) throw new Error(`The website id is not valid: ${firstIssue(parsed.error)}.`);
  return parsed.data;
}

/** Saves (or replaces) the token for one website. Throws a plain error for invalid values. */
export async function saveCrispCredentials(
  websiteId: string,
  credentials: SavedCrispCredentials,
  options: KeychainOptions = {},
): Promise<void> {
  const account = parseWebsiteId(websiteId);
  const entry = KeychainEntry.safeParse({ v: 1, ...credentials });
  if (!entry.success) {
    const issue = entry.error.issues[0];
    const field = issue?.path[0] === 'key' ? 'key' : String(issue?.path[0] ?? 'value');
    throw new Error(`The token ${field} is not valid: ${firstIssue(entry.error)}.`);
  }
  const service = keychainService(options);
  await withKeychain((k) => k.setPassword(service, account, JSON.stringify(entry.data)));
}

/** The saved token for one website, or `undefined` when none is saved. */
export async function loadCrispCredentials(
  websiteId: string,
  options: KeychainOptions = {},
): Promise<SavedCrispCredentials | undefined> {
  const account = parseWebsiteId(websiteId);
  const service = keychainService(options);
  const stored = await withKeychain((k) => k.getPassword(service, account));
  if (stored === null) return undefined;
  const entry = parseEntry(stored);
  if (!entry) throw new DamagedKeychainEntryError(account);
  return entry;
}

/** Removes the token of one website. Returns false when there was none. */
export async function deleteCrispCredentials(
  websiteId: string,
  options: KeychainOptions = {},
): Promise<boolean> {
  const account = parseWebsiteId(websiteId);
  const service = keychainService(options);
  return withKeychain((k) => k.deletePassword(service, account));
}

/** Every website with a saved token, sorted by id. Damaged entries are listed as `damaged`. */
export async function listSavedWebsites(
  options: KeychainOptions = {},
): Promise<Array<SavedWebsite | { websiteId: string; damaged: true }>> {
  const service = keychainService(options);
  const entries = await withKeychain((k) => k.findCredentials(service));
  return entries
    .map(({ account, password }) => {
      const entry = parseEntry(password);
      if (!entry) return { websiteId: account, damaged: true as const };
      const website: SavedWebsite = {
        websiteId: account,
        tier: entry.tier,
        identifier: entry.identifier,
      };
      if (entry.apiUrl !== undefined) website.apiUrl = entry.apiUrl;
      return website;
    })
    .sort((a, b) => a.websiteId.localeCompare(b.websiteId));
}

function parseEntry(stored: string): SavedCrispCredentials | undefined {
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    return undefined;
  }
  const parsed = KeychainEntry.safeParse(json);
  if (!parsed.success) return undefined;
  const { identifier, key, tier, apiUrl } = parsed.data;
  return apiUrl === undefined ? { identifier, key, tier } : { identifier, key, tier, apiUrl };
}
