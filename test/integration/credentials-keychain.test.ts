// Real keychain round-trips (Secret Service under dbus-run-session, see scripts/run-tests.mjs).
// Each test uses its own keychain service name, so parallel tests never share entries.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CredentialsError,
  DamagedKeychainEntryError,
  DEFAULT_CRISP_API_URL,
  credentialsFromEnvironment,
  deleteCrispCredentials,
  listSavedWebsites,
  loadCrispCredentials,
  resolveCrispConnection,
  resolveCrispConnectionWithSource,
  saveCrispCredentials,
} from '../../src/main/engine/credentials';

const run = promisify(execFile);
const services: string[] = [];

function freshService(): string {
  const service = `crisp-importer-test-${randomUUID()}`;
  services.push(service);
  return service;
}

const WEBSITE_A = '8c842203-7ed8-4e29-a608-7cf78a7d2fcc';
const WEBSITE_B = '11f0b7f4-5b44-4b13-994c-0972e5de6436';
const IDENTIFIER = '7c3ef21c-1e04-41ce-8c06-5605c346f73e';
const KEY = 'cc29e1a5086e428fcc6a697d5837a66d82808e65c5cce006fbf2191ceea80a0a';

afterEach(async () => {
  for (const service of services.splice(0)) {
    for (const website of await listSavedWebsites({ service })) {
      await deleteCrispCredentials(website.websiteId, { service });
    }
  }
});

describe('keychain', () => {
  it('saves, lists, loads and deletes one entry per website', async () => {
    const service = freshService();
    expect(await loadCrispCredentials(WEBSITE_A, { service })).toBeUndefined();
    await saveCrispCredentials(
      WEBSITE_A,
      { identifier: IDENTIFIER, key: KEY, tier: 'website' },
      { service },
    );
    await saveCrispCredentials(
      WEBSITE_B.toUpperCase(),
      {
        identifier: 'plugin-id',
        key: 'plugin-key',
        tier: 'plugin',
        apiUrl: 'http://127.0.0.1:9/v1',
      },
      { service },
    );
    expect(await loadCrispCredentials(WEBSITE_A, { service })).toEqual({
      identifier: IDENTIFIER,
      key: KEY,
      tier: 'website',
    });
    expect(await listSavedWebsites({ service })).toEqual([
      {
        websiteId: WEBSITE_B,
        tier: 'plugin',
        identifier: 'plugin-id',
        apiUrl: 'http://127.0.0.1:9',
      },
      { websiteId: WEBSITE_A, tier: 'website', identifier: IDENTIFIER },
    ]);
    // Saving again replaces the entry (still one per website).
    await saveCrispCredentials(
      WEBSITE_A,
      { identifier: IDENTIFIER, key: 'new-key', tier: 'plugin' },
      { service },
    );
    expect(await loadCrispCredentials(WEBSITE_A, { service })).toMatchObject({
      key: 'new-key',
      tier: 'plugin',
    });
    expect(await listSavedWebsites({ service })).toHaveLength(2);

    expect(await deleteCrispCredentials(WEBSITE_A, { service })).toBe(true);
    expect(await deleteCrispCredentials(WEBSITE_A, { service })).toBe(false);
    expect(await loadCrispCredentials(WEBSITE_A, { service })).toBeUndefined();
    expect((await listSavedWebsites({ service })).map((w) => w.websiteId)).toEqual([WEBSITE_B]);
  });

  it('keeps services apart (the service name can come from the environment)', async () => {
    const one = freshService();
    const two = freshService();
    await saveCrispCredentials(
      WEBSITE_A,
      { identifier: IDENTIFIER, key: KEY, tier: 'website' },
      { env: { CRISP_IMPORTER_KEYCHAIN_SERVICE: one } },
    );
    expect(await loadCrispCredentials(WEBSITE_A, { service: one })).toBeDefined();
    expect(await loadCrispCredentials(WEBSITE_A, { service: two })).toBeUndefined();
  });

  it('refuses invalid values with a plain message that never repeats the key', async () => {
    const service = freshService();
    await expect(
      saveCrispCredentials(
        'not-a-website',
        { identifier: IDENTIFIER, key: KEY, tier: 'website' },
        { service },
      ),
    ).rejects.toThrow(/website id is not valid: a website id looks like/);
    const badKey = 'secret with spaces 123';
    const error = await saveCrispCredentials(
      WEBSITE_A,
      { identifier: IDENTIFIER, key: badKey, tier: 'website' },
      { service },
    ).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/key is not valid/);
    expect(error?.message).not.toContain(badKey);
    expect(await listSavedWebsites({ service })).toEqual([]);
  });

  it('a damaged entry (written by another program) asks to log in again', async () => {
    const service = freshService();
    const keytar = (await import('keytar')).default;
    await keytar.setPassword(service, WEBSITE_A, 'not json');
    await expect(loadCrispCredentials(WEBSITE_A, { service })).rejects.toBeInstanceOf(
      DamagedKeychainEntryError,
    );
    await expect(loadCrispCredentials(WEBSITE_A, { service })).rejects.toThrow(
      `crisp-import login --website ${WEBSITE_A}`,
    );
    expect(await listSavedWebsites({ service })).toEqual([{ websiteId: WEBSITE_A, damaged: true }]);
  });
});

describe('credentials from the environment', () => {
  it('is undefined when neither CRISP_IDENTIFIER nor CRISP_KEY is set', () => {
    expect(credentialsFromEnvironment({})).toBeUndefined();
    expect(credentialsFromEnvironment({ CRISP_IDENTIFIER: ' ', CRISP_KEY: '' })).toBeUndefined();
  });

  it('reads identifier, key and tier (website by default)', () => {
    expect(credentialsFromEnvironment({ CRISP_IDENTIFIER: IDENTIFIER, CRISP_KEY: KEY })).toEqual({
      identifier: IDENTIFIER,
      key: KEY,
      tier: 'website',
    });
    expect(
      credentialsFromEnvironment({
        CRISP_IDENTIFIER: IDENTIFIER,
        CRISP_KEY: KEY,
        CRISP_TIER: 'Plugin',
      }),
    ).toMatchObject({ tier: 'plugin' });
  });

  it('says what is missing or wrong, without the key', () => {
    expect(() => credentialsFromEnvironment({ CRISP_KEY: KEY })).toThrow(
      /CRISP_KEY is set but CRISP_IDENTIFIER is not/,
    );
    expect(() => credentialsFromEnvironment({ CRISP_IDENTIFIER: IDENTIFIER })).toThrow(
      /CRISP_IDENTIFIER is set but CRISP_KEY is not/,
    );
    expect(() =>
      credentialsFromEnvironment({
        CRISP_IDENTIFIER: IDENTIFIER,
        CRISP_KEY: KEY,
        CRISP_TIER: 'user',
      }),
    ).toThrow(/CRISP_TIER must be "website" or "plugin"/);
    try {
      credentialsFromEnvironment({ CRISP_IDENTIFIER: IDENTIFIER, CRISP_KEY: 'two words' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/CRISP_KEY is not valid/);
      expect((error as Error).message).not.toContain('two words');
    }
  });
});

describe('resolveCrispConnection', () => {
  it('prefers the environment over the keychain', async () => {
    const service = freshService();
    await saveCrispCredentials(
      WEBSITE_A,
      { identifier: 'saved-id', key: 'saved-key', tier: 'plugin' },
      { service },
    );
    const resolved = await resolveCrispConnectionWithSource({
      websiteId: WEBSITE_A,
      service,
      env: { CRISP_IDENTIFIER: IDENTIFIER, CRISP_KEY: KEY },
    });
    expect(resolved.source).toBe('environment');
    expect({ ...resolved.connection }).toEqual({
      identifier: IDENTIFIER,
      key: KEY,
      tier: 'website',
      websiteId: WEBSITE_A,
      apiUrl: DEFAULT_CRISP_API_URL,
    });
  });

  it('falls back to the keychain, with the API URL saved beside the key', async () => {
    const service = freshService();
    await saveCrispCredentials(
      WEBSITE_A,
      { identifier: 'saved-id', key: 'saved-key', tier: 'plugin', apiUrl: 'http://127.0.0.1:4010' },
      { service },
    );
    const resolved = await resolveCrispConnectionWithSource({
      websiteId: WEBSITE_A,
      service,
      env: {},
    });
    expect(resolved.source).toBe('keychain');
    expect({ ...resolved.connection }).toEqual({
      identifier: 'saved-id',
      key: 'saved-key',
      tier: 'plugin',
      websiteId: WEBSITE_A,
      apiUrl: 'http://127.0.0.1:4010',
    });
    // An explicit URL or CRISP_API_URL wins over the saved one.
    const viaEnv = await resolveCrispConnection({
      websiteId: WEBSITE_A,
      service,
      env: { CRISP_API_URL: 'https://api.example.test/v1/' },
    });
    expect(viaEnv.apiUrl).toBe('https://api.example.test');
    const explicit = await resolveCrispConnection({
      websiteId: WEBSITE_A,
      service,
      apiUrl: 'http://localhost:1',
      env: { CRISP_API_URL: 'https://api.example.test' },
    });
    expect(explicit.apiUrl).toBe('http://localhost:1');
  });

  it('says how to log in when nothing is saved', async () => {
    const service = freshService();
    const error = await resolveCrispConnection({ websiteId: WEBSITE_A, service, env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(
      `No key is saved for website ${WEBSITE_A}. Log in first: crisp-import login --website ${WEBSITE_A}`,
    );
    await expect(resolveCrispConnection({ service, env: {} })).rejects.toThrow(/--website <id>/);
    await expect(
      resolveCrispConnection({ websiteId: 'https://app.crisp.chat', service, env: {} }),
    ).rejects.toThrow(/website id is not valid/);
  });

  it('takes the website id from CRISP_WEBSITE_ID when none is given', async () => {
    const connection = await resolveCrispConnection({
      env: { CRISP_WEBSITE_ID: WEBSITE_B, CRISP_IDENTIFIER: IDENTIFIER, CRISP_KEY: KEY },
    });
    expect(connection.websiteId).toBe(WEBSITE_B);
  });

  it('hides the key when the connection is logged or serialised', async () => {
    const connection = await resolveCrispConnection({
      websiteId: WEBSITE_A,
      env: { CRISP_IDENTIFIER: IDENTIFIER, CRISP_KEY: KEY },
    });
    expect(connection.key).toBe(KEY);
    expect(JSON.stringify(connection)).not.toContain(KEY);
    expect(JSON.stringify({ job: { connection } })).not.toContain(KEY);
    expect(inspect(connection)).not.toContain(KEY);
    expect(JSON.stringify(connection)).toContain('[hidden]');
  });
});

describe('keychain unavailable', () => {
  it('gives a plain message with the next step, not a crash', async () => {
    const script = `
      import { loadCrispCredentials } from './src/main/engine/credentials/index.ts';
      try {
        await loadCrispCredentials('${WEBSITE_A}', { service: 'crisp-importer-test-unavailable' });
        console.log('NO ERROR');
      } catch (error) {
        console.log(error.name + ': ' + error.message);
      }`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    };
    delete env.DISPLAY;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        env,
        cwd: process.cwd(),
      },
    );
    expect(stdout).toMatch(/^KeychainUnavailableError: No keychain service is running/);
    expect(stdout).toMatch(/set CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER/);
  });
});
