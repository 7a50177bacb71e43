// The real bridge (createImporterApi) over the test transport, against the real handlers: what
// the page can and cannot do through `window.importer`.
import { expect, test } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startImporterTestApp, type ImporterTestApp } from './support/importer-test-app';

let app: ImporterTestApp;
test.beforeEach(async ({ page }) => {
  app = await startImporterTestApp(page);
  await app.open();
});
test.afterEach(async () => {
  await app.close();
});

test('window.importer is one frozen object of named functions, and answers with data', async ({
  page,
}) => {
  const shape = await page.evaluate(() => {
    const api = (globalThis as unknown as { importer: Record<string, unknown> }).importer;
    return {
      frozen: Object.isFrozen(api),
      names: Object.keys(api).sort(),
      hasGeneric: 'invoke' in api || 'send' in api || 'ipcRenderer' in api,
    };
  });
  expect(shape.frozen).toBe(true);
  expect(shape.hasGeneric).toBe(false);
  expect(shape.names).toContain('getAppState');
  expect(shape.names).toContain('onImportProgressed');
  expect(shape.names).not.toContain('fileDropped');

  const state = await page.evaluate(async () => {
    const api = (globalThis as unknown as { importer: { getAppState(): Promise<unknown> } })
      .importer;
    return api.getAppState();
  });
  expect(state).toMatchObject({ ok: true, value: { appVersion: '0.0.0-e2e', jobs: [] } });

  const bad = await page.evaluate(async () => {
    const api = (
      globalThis as unknown as { importer: { inspectFile(input: unknown): Promise<unknown> } }
    ).importer;
    return api.inspectFile({ fileId: 7 });
  });
  expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
});

test('a frame that is not the app page is refused', async ({ page }) => {
  const answer = await page.evaluate(async () => {
    interface FrameElement {
      srcdoc: string;
      contentWindow: unknown;
      addEventListener(type: string, listener: (value: unknown) => void): void;
    }
    const doc = (
      globalThis as unknown as {
        document: {
          createElement(tag: 'iframe'): FrameElement;
          body: { append(e: unknown): void };
        };
      }
    ).document;
    const frame = doc.createElement('iframe');
    frame.srcdoc = '<p>other</p>';
    doc.body.append(frame);
    await new Promise((r) => frame.addEventListener('load', r));
    const api = (
      frame.contentWindow as unknown as { importer?: { getAppState(): Promise<unknown> } }
    ).importer;
    return api ? api.getAppState() : { ok: false, error: { code: 'absent' } };
  });
  expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
});

test('pushed events reach subscribers, and unsubscribe stops them', async ({ page }) => {
  await page.evaluate(() => {
    const api = (
      globalThis as unknown as {
        importer: { onSettingsChanged(cb: (s: { theme: string }) => void): () => void };
      }
    ).importer;
    const seen: string[] = [];
    (globalThis as unknown as { seen: string[] }).seen = seen;
    const off = api.onSettingsChanged((s) => {
      seen.push(s.theme);
      off();
    });
  });
  await page.evaluate(async () => {
    const api = (
      globalThis as unknown as { importer: { updateSettings(u: unknown): Promise<unknown> } }
    ).importer;
    await api.updateSettings({ theme: 'dark' });
    await api.updateSettings({ theme: 'light' });
  });
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen))
    .toEqual(['dark']);
});

test('a dropped file is resolved to its path by the bridge, never by the page', async ({
  page,
}) => {
  const path = join(app.stateDir, 'dropped.csv');
  await writeFile(path, 'email\nada@example.com\n');
  await app.registerDroppablePath('dropped.csv', path);
  const answers = await page.evaluate(async () => {
    const api = (
      globalThis as unknown as {
        importer: { openDroppedFile(file: unknown): Promise<unknown> };
      }
    ).importer;
    const FileCtor = (
      globalThis as unknown as {
        File: new (parts: string[], name: string) => { name: string; size: number };
      }
    ).File;
    return [
      await api.openDroppedFile(new FileCtor(['email\nada@example.com\n'], 'dropped.csv')),
      await api.openDroppedFile(new FileCtor(['email'], 'made-up.csv')),
      // A File that is not what is on disk at the path it resolves to: refused by main.
      await api.openDroppedFile(new FileCtor(['email\nbob@example.com\n'], 'dropped.csv')),
    ];
  });
  expect(answers[0]).toMatchObject({ ok: true, value: { name: 'dropped.csv', sizeBytes: 22 } });
  expect(answers[1]).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
  expect(answers[2]).toMatchObject({
    ok: false,
    error: { code: 'file_unreadable', message: expect.stringMatching(/not the file dropped/) },
  });
});
