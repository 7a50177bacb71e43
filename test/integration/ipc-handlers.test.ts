// The IPC handler layer in plain Node: real handlers and service, real keychain, a fake Crisp
// over loopback. What a user would notice: bad requests and foreign pages get a clear refusal,
// secrets never come back, answers always match the contract.
import { Buffer } from 'node:buffer';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ipcChannels } from '../../src/shared/ipc-contract';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { createIpcDispatcher } from '../../src/main/ipc/ipc-dispatcher';
import { trustPages } from '../../src/main/ipc/trusted-sender';
import { APP_ORIGIN, APP_PAGE, startIpcHarness, type IpcHarness } from './ipc-support';

let harness: IpcHarness;
let crisp: FakeCrisp | undefined;

beforeEach(async () => {
  harness = await startIpcHarness();
});
afterEach(async () => {
  await harness.close();
  await crisp?.close();
  crisp = undefined;
});

function errorCode(answer: unknown): string | undefined {
  const result = answer as { ok: boolean; error?: { code: string } };
  return result.ok ? undefined : result.error?.code;
}

function valueOf<T>(answer: unknown): T {
  const result = answer as { ok: boolean; value?: T; error?: { message: string } };
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value as T;
}

describe('payload validation', () => {
  it('rejects a payload of the wrong shape with invalid_input and a plain message', async () => {
    const answer = (await harness.call('file:inspect', { fileId: 42 })) as {
      ok: false;
      error: { code: string; message: string };
    };
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe('invalid_input');
    expect(answer.error.message).toContain('fileId');
  });

  it('rejects unexpected extra fields (a renderer cannot smuggle a path in)', async () => {
    const answer = await harness.call('file:choose', { path: '/etc/passwd' });
    expect(errorCode(answer)).toBe('invalid_input');
  });

  it('does not echo a rejected key back in the error message', async () => {
    const answer = (await harness.call('connections:save', {
      websiteId: 'w',
      identifier: 'i',
      key: 'super-secret-key-123',
      tokenKind: 'robot',
    })) as { ok: false; error: { code: string; message: string } };
    expect(answer.error.code).toBe('invalid_input');
    expect(JSON.stringify(answer)).not.toContain('super-secret-key-123');
  });

  it('answers unknown_channel for a channel that is not in the contract', async () => {
    expect(errorCode(await harness.call('fs:readFile', { path: '/etc/passwd' }))).toBe(
      'unknown_channel',
    );
  });
});

describe('sender check', () => {
  it('refuses requests from another origin, an iframe or an unknown frame, and does nothing', async () => {
    const foreign = [
      { url: 'https://evil.example/index.html', isMainFrame: true },
      { url: `${APP_ORIGIN}/index.html`, isMainFrame: false },
      { url: '', isMainFrame: true },
      { url: 'file:///tmp/other.html', isMainFrame: true },
    ];
    for (const sender of foreign) {
      const answer = await harness.call('settings:update', { theme: 'dark' }, sender);
      expect(errorCode(answer)).toBe('forbidden_sender');
    }
    const settings = valueOf<{ theme: string }>(await harness.call('settings:get'));
    expect(settings.theme).toBe('system');
  });

  it('trusts the packaged renderer file, and only that file', () => {
    const check = trustPages({ files: ['file:///opt/app/out/renderer/index.html'] });
    expect(
      check({ url: 'file:///opt/app/out/renderer/index.html#/import', isMainFrame: true }),
    ).toBe(true);
    expect(check({ url: 'file:///opt/app/out/renderer/other.html', isMainFrame: true })).toBe(
      false,
    );
    expect(check({ url: 'http://localhost/', isMainFrame: true })).toBe(false);
  });
});

describe('output validation and errors', () => {
  it('turns a handler answer that breaks the contract into invalid_output', async () => {
    const dispatcher = createIpcDispatcher({
      handlers: {
        ...harness.service.handlers,
        'settings:get': () =>
          Promise.resolve({ theme: 'purple' } as unknown as ReturnType<
            (typeof ipcChannels)['settings:get']['output']['parse']
          >),
      },
      isTrustedSender: trustPages({ origins: [APP_ORIGIN] }),
    });
    const answer = await dispatcher.dispatch('settings:get', {}, APP_PAGE);
    expect(errorCode(answer)).toBe('invalid_output');
  });

  it('hides unexpected exceptions behind a plain internal error', async () => {
    const dispatcher = createIpcDispatcher({
      handlers: {
        ...harness.service.handlers,
        'jobs:list': () => Promise.reject(new Error('ENOSPC at /secret/path/journal.ndjson')),
      },
      isTrustedSender: () => true,
    });
    const answer = (await dispatcher.dispatch('jobs:list', {}, APP_PAGE)) as {
      error: { code: string; message: string };
    };
    expect(answer.error.code).toBe('internal');
    expect(answer.error.message).not.toContain('/secret/path');
  });
});

describe('files', () => {
  it('registers a file chosen in the native dialog and refers to it by an opaque id', async () => {
    const path = join(harness.stateDir, 'contacts.csv');
    await writeFile(path, 'email\na@example.com\n');
    harness.openAnswers.push(path);
    const choice = valueOf<{ file: { fileId: string; name: string; sizeBytes: number } }>(
      await harness.call('file:choose'),
    );
    expect(choice.file.name).toBe('contacts.csv');
    expect(choice.file.sizeBytes).toBe(20);
    expect(choice.file.fileId).not.toContain('/');
    harness.openAnswers.push(null);
    expect(valueOf<{ file: null }>(await harness.call('file:choose')).file).toBeNull();
  });

  it('refuses a dropped path that is missing or a folder, in plain words', async () => {
    // With the size and edge bytes the bridge sends with a drop (dropped-file-proof.ts).
    const proof = { size: 5, head: Buffer.from('email').toString('base64'), tail: '' };
    const missing = await harness.call('file:dropped', {
      path: join(harness.stateDir, 'nope.csv'),
      ...proof,
    });
    expect(errorCode(missing)).toBe('file_unreadable');
    const folder = (await harness.call('file:dropped', { path: harness.stateDir, ...proof })) as {
      error: { code: string; message: string };
    };
    expect(folder.error.code).toBe('file_unreadable');
    expect(folder.error.message).toContain('folder');
  });
});

describe('connections', () => {
  it('tests, saves to the keychain and lists a connection without its key', async () => {
    crisp = await startFakeCrisp({});
    // The fake server lives on loopback: point the website's saved API URL at it first.
    const base = {
      websiteId: crisp.websiteId,
      identifier: crisp.token.identifier,
      key: crisp.token.key,
      tokenKind: crisp.token.tier,
    };
    // A wrong key is refused before anything is saved.
    await seedApiUrl(harness, crisp.websiteId, crisp.url);
    const refused = (await harness.call('connections:save', { ...base, key: 'f'.repeat(64) })) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('credentials_rejected');

    const saved = valueOf<{ connectionId: string; identifierHint: string }>(
      await harness.call('connections:save', { ...base, label: 'Shop EU' }),
    );
    expect(saved.connectionId).toBe(crisp.websiteId);
    const list = await harness.call('connections:list');
    const text = JSON.stringify(list) + JSON.stringify(harness.events);
    expect(text).toContain('Shop EU');
    expect(text).not.toContain(crisp.token.key);
    expect(text).not.toContain(crisp.token.identifier);
    expect(valueOf<{ defaultConnectionId: string }>(list).defaultConnectionId).toBe(
      crisp.websiteId,
    );

    const tested = valueOf<{ ok: boolean }>(
      await harness.call('connections:test', { connectionId: crisp.websiteId }),
    );
    expect(tested.ok).toBe(true);
  });

  it('starts the sandbox and gives the same sandbox connection on every call', async () => {
    const first = valueOf<{ connectionId: string; sandbox: boolean }>(
      await harness.call('connections:useSandbox'),
    );
    const second = valueOf<{ connectionId: string }>(await harness.call('connections:useSandbox'));
    expect(first.sandbox).toBe(true);
    expect(second.connectionId).toBe(first.connectionId);
    const tested = valueOf<{ ok: boolean }>(
      await harness.call('connections:test', { connectionId: first.connectionId }),
    );
    expect(tested.ok).toBe(true);
  });
});

async function seedApiUrl(h: IpcHarness, websiteId: string, apiUrl: string): Promise<void> {
  const { updateAppSettings, rememberConnection } =
    await import('../../src/main/engine/app-settings');
  await updateAppSettings(h.stateDir, (s) =>
    rememberConnection(s, { websiteId, tier: 'website', apiUrl }),
  );
}
