// `crisp-import login | status | logout` spawned as real processes, against the fake Crisp server
// and the real keychain (Secret Service). Each test has its own HOME, state folder and keychain
// service name, so tests never share entries.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_FOLDER_NAME } from '../../src/main/engine/app-settings';
import {
  deleteCrispCredentials,
  listSavedWebsites,
  loadCrispCredentials,
} from '../../src/main/engine/credentials';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';

const BIN = join(process.cwd(), 'bin', 'crisp-import.mjs');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

let crisp: FakeCrisp;
let home: string;
let service: string;
let baseEnv: NodeJS.ProcessEnv;
const outputs: Outcome[] = [];

function cli(args: string[], input = '', extraEnv: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...baseEnv, ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const outcome = { code, stdout, stderr };
      outputs.push(outcome);
      resolve(outcome);
    });
    child.stdin.end(input);
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every file under `folder`, recursively (symlinks not followed). */
async function filesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

beforeEach(async () => {
  crisp = await startFakeCrisp();
  home = await mkdtemp(join(tmpdir(), 'cli-credentials-home-'));
  service = `crisp-importer-test-${randomUUID()}`;
  baseEnv = { ...process.env };
  for (const name of Object.keys(baseEnv)) {
    if (name.startsWith('CRISP_')) delete baseEnv[name];
  }
  Object.assign(baseEnv, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    CRISP_IMPORTER_KEYCHAIN_SERVICE: service,
    NO_COLOR: '1',
  });
  outputs.length = 0;
});

afterEach(async () => {
  for (const website of await listSavedWebsites({ service })) {
    await deleteCrispCredentials(website.websiteId, { service });
  }
  await crisp.close();
  await rm(home, { recursive: true, force: true });
});

function tokenLines(key = crisp.token.key): string {
  return `${crisp.token.identifier}\n${key}\n`;
}

describe('crisp-import login / status / logout', () => {
  it('logs in from stdin, shows the website in status, and logs out', async () => {
    const login = await cli(
      ['login', '--website', crisp.websiteId, '--api-url', crisp.url, '--label', 'Shop EU'],
      tokenLines(),
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/Connected: Crisp accepted the website token/);
    expect(login.stdout).toMatch(
      `Saved the website token (${crisp.token.identifier.slice(0, 8)}…) for website ${crisp.websiteId}`,
    );
    // Really in the keychain, with the API URL beside it.
    expect(await loadCrispCredentials(crisp.websiteId, { service })).toEqual({
      identifier: crisp.token.identifier,
      key: crisp.token.key,
      tier: 'website',
      apiUrl: crisp.url,
    });
    // And remembered (without the key) in the app's settings, in the app's user-data folder.
    const settings = JSON.parse(
      await readFile(join(home, '.config', APP_FOLDER_NAME, 'settings.json'), 'utf8'),
    ) as { connections: unknown[] };
    expect(settings.connections).toEqual([
      { websiteId: crisp.websiteId, label: 'Shop EU', tier: 'website', apiUrl: crisp.url },
    ]);

    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/CRISP_IDENTIFIER and CRISP_KEY are not set/);
    expect(status.stdout).toMatch(
      `Website ${crisp.websiteId} (Shop EU): website token ${crisp.token.identifier.slice(0, 8)}… saved in the keychain, API ${crisp.url}.`,
    );

    const json = await cli(['status', '--json', '--test']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      keychain: { available: boolean };
      environment: { set: boolean };
      websites: Array<Record<string, unknown>>;
    };
    expect(parsed.keychain.available).toBe(true);
    expect(parsed.environment.set).toBe(false);
    expect(parsed.websites).toEqual([
      expect.objectContaining({
        websiteId: crisp.websiteId,
        label: 'Shop EU',
        saved: true,
        tier: 'website',
        source: 'keychain',
        test: expect.objectContaining({ ok: true }) as unknown,
      }),
    ]);

    const logout = await cli(['logout', '--website', crisp.websiteId]);
    expect(logout.code).toBe(0);
    expect(logout.stdout).toMatch(`Removed the saved key for website ${crisp.websiteId}`);
    expect(await loadCrispCredentials(crisp.websiteId, { service })).toBeUndefined();
    const after = await cli(['status']);
    expect(after.stdout).toMatch(/No website is logged in/);
    const again = await cli(['logout', '--website', crisp.websiteId]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No key was saved/);
  });

  it('takes --identifier and only the key on stdin; a plugin token is saved as such', async () => {
    crisp.configure({
      tokens: [{ identifier: 'plugin-identifier', key: 'plugin-key', tier: 'plugin' }],
    });
    const login = await cli(
      [
        'login',
        '--website',
        crisp.websiteId,
        '--api-url',
        crisp.url,
        '--identifier',
        'plugin-identifier',
        '--tier',
        'plugin',
      ],
      'plugin-key\n',
    );
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/Saved the plugin token/);
    const status = await cli(['status', '--website', crisp.websiteId]);
    expect(status.stdout).toMatch(/plugin token plugin-i… saved in the keychain/);
  });

  it('a refused key is not saved (exit 2, plain message)', async () => {
    const login = await cli(
      ['login', '--website', crisp.websiteId, '--api-url', crisp.url],
      tokenLines('0'.repeat(64)),
    );
    expect(login.code).toBe(2);
    expect(login.stderr).toBe(
      'crisp-import: Not saved. The key was refused. Check the token identifier and key in Crisp: Settings > Workspace Settings > Advanced configuration.\n',
    );
    expect(await listSavedWebsites({ service })).toEqual([]);
  });

  it('a wrong token kind or a website that is not bound is named', async () => {
    const tier = await cli(
      ['login', '--website', crisp.websiteId, '--api-url', crisp.url, '--tier', 'plugin'],
      tokenLines(),
    );
    expect(tier.code).toBe(2);
    expect(tier.stderr).toMatch(/This key is a website token, but it was given as a plugin token/);
    const other = '00000000-1111-4222-8333-444444444444';
    const website = await cli(['login', '--website', other, '--api-url', crisp.url], tokenLines());
    expect(website.code).toBe(2);
    expect(website.stderr).toMatch(`Website ${other} does not belong to this token`);
    expect(await listSavedWebsites({ service })).toEqual([]);
  });

  it('no network: exit 3 with the next step; --no-test saves it anyway', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const failed = await cli(
      ['login', '--website', crisp.websiteId, '--api-url', url],
      tokenLines(),
    );
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/Could not reach Crisp: the connection was refused/);
    expect(failed.stderr).toMatch(/add --no-test to save it without testing/);
    expect(await listSavedWebsites({ service })).toEqual([]);

    const saved = await cli(
      ['login', '--website', crisp.websiteId, '--api-url', url, '--no-test'],
      tokenLines(),
    );
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/in the system keychain without testing it/);
    expect(await listSavedWebsites({ service })).toHaveLength(1);
  });

  it.each([
    [['login', '--website', 'my-shop'], /^crisp-import: --website: a website id looks like/],
    [
      ['login', '--website', '8c842203-7ed8-4e29-a608-7cf78a7d2fcc', '--tier', 'user'],
      /^crisp-import: --tier: the token kind must be "website" or "plugin"/,
    ],
    [
      ['login', '--website', '8c842203-7ed8-4e29-a608-7cf78a7d2fcc', '--api-url', 'ftp://x'],
      /^crisp-import: --api-url: the API URL must be an http\(s\) address/,
    ],
    [
      ['login', '--website', '8c842203-7ed8-4e29-a608-7cf78a7d2fcc'],
      /^crisp-import: No token was given/,
    ],
    [['login'], /required option '--website <id>' not specified/],
    [['status', '--website', 'x'], /^crisp-import: --website: a website id looks like/],
  ])('bad usage %j: one plain line, exit 2', async (args, message) => {
    const outcome = await cli(args);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.split('\n')[0]).toMatch(message);
    expect(outcome.stdout).toBe('');
  });

  it('says when the key has two lines but --identifier was given', async () => {
    const outcome = await cli(
      ['login', '--website', crisp.websiteId, '--identifier', crisp.token.identifier],
      tokenLines(),
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /Standard input must hold only the key, on one line \(it has 2 lines\)/,
    );
  });

  it('status says when CRISP_IDENTIFIER and CRISP_KEY are set, and that they win', async () => {
    const env = {
      CRISP_IDENTIFIER: crisp.token.identifier,
      CRISP_KEY: crisp.token.key,
      CRISP_TIER: 'website',
    };
    const text = await cli(['status', '--website', crisp.websiteId], '', env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /CRISP_IDENTIFIER and CRISP_KEY are set \(website token\); they are used for every website/,
    );
    expect(text.stdout).toMatch(/no saved key; the environment's token is used/);
    const json = await cli(['status', '--website', crisp.websiteId, '--json', '--test'], '', {
      ...env,
      CRISP_API_URL: crisp.url,
    });
    const parsed = JSON.parse(json.stdout) as {
      environment: Record<string, unknown>;
      websites: Array<{ source: string; test: { ok: boolean } }>;
    };
    expect(parsed.environment).toMatchObject({
      set: true,
      identifier: true,
      key: true,
      tier: 'website',
    });
    expect(parsed.websites[0]?.source).toBe('environment');
    expect(parsed.websites[0]?.test.ok).toBe(true);
    const partial = await cli(['status'], '', { CRISP_KEY: crisp.token.key });
    expect(partial.stdout).toMatch(/CRISP_KEY is set but CRISP_IDENTIFIER is not/);
  });
});

describe('when things around the CLI are broken', () => {
  it('no keychain service: status still answers, login says what to do (exit 2)', async () => {
    const noKeychain = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' };
    const status = await cli(['status'], '', noKeychain);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Keychain: not available\. No keychain service is running/);
    const login = await cli(
      ['login', '--website', crisp.websiteId, '--api-url', crisp.url],
      tokenLines(),
      noKeychain,
    );
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(
      /No keychain service is running.*set CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER in the environment instead/,
    );
  });

  it('a damaged settings file: a notice, a backup, and the command still works', async () => {
    const stateDir = join(home, '.config', APP_FOLDER_NAME);
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, 'settings.json'), '{"version": 1, "connections": [');
    const login = await cli(
      ['login', '--website', crisp.websiteId, '--api-url', crisp.url],
      tokenLines(),
    );
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(
      /Your settings file was damaged and has been reset to the defaults/,
    );
    const files = await readdir(stateDir);
    expect(files.filter((f) => f.startsWith('settings.broken-'))).toHaveLength(1);
    const status = await cli(['status']);
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(`Website ${crisp.websiteId}: website token`);
  });
});

describe('the key never appears in anything written', () => {
  it('not in stdout/stderr of login, status or logout, nor in any file under HOME', async () => {
    const key = `zzLEAKCANARY${randomUUID().replace(/-/g, '')}`;
    const identifier = randomUUID();
    crisp.configure({ tokens: [{ identifier, key, tier: 'website' }] });
    const lines = `${identifier}\n${key}\n`;
    // Failed attempts first (wrong kind, website not bound, no network), then a good login.
    await cli(
      ['login', '--website', crisp.websiteId, '--api-url', crisp.url, '--tier', 'plugin'],
      lines,
    );
    await cli(['login', '--website', randomUUID(), '--api-url', crisp.url], lines);
    await cli(
      [
        'login',
        '--website',
        crisp.websiteId,
        '--api-url',
        `http://127.0.0.1:${await closedPort()}`,
      ],
      lines,
    );
    const login = await cli(['login', '--website', crisp.websiteId, '--api-url', crisp.url], lines);
    expect(login.code).toBe(0);
    await cli(['status']);
    await cli(['status', '--json', '--test']);
    await cli(['status', '--test'], '', { CRISP_IDENTIFIER: identifier, CRISP_KEY: key });
    await cli(['status', '--json'], '', {
      CRISP_IDENTIFIER: identifier,
      CRISP_KEY: key,
      CRISP_TIER: 'bogus',
    });
    // The key was really used and stored (so the checks below could fail).
    expect(await loadCrispCredentials(crisp.websiteId, { service })).toMatchObject({ key });
    expect(crisp.requestLog().filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(3);

    const basicAuth = Buffer.from(`${identifier}:${key}`).toString('base64');
    expect(outputs.length).toBe(8);
    for (const outcome of outputs) {
      for (const text of [outcome.stdout, outcome.stderr]) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(basicAuth);
      }
    }
    const files = await filesUnder(home);
    expect(files.some((f) => f.endsWith('settings.json'))).toBe(true);
    for (const file of files) {
      const content = await readFile(file);
      expect(content.includes(key), file).toBe(false);
      expect(content.includes(basicAuth), file).toBe(false);
    }

    await cli(['logout', '--website', crisp.websiteId]);
    for (const text of [outputs.at(-1)!.stdout, outputs.at(-1)!.stderr])
      expect(text).not.toContain(key);
  });
});
