// The set-up every journey against the test app shares, as Playwright fixtures: a fake Crisp on
// loopback (`crisp`), and the built renderer with the real handlers pointed at it, in a
// 1280 x 860 page (`app`). Both are closed after the test, the app first.
import { expect, test as base } from '@playwright/test';
import { existsSync } from 'node:fs';
import { startFakeCrisp, type FakeCrisp } from '../../../src/main/engine/fake-crisp';
import { startImporterTestApp, type ImporterTestApp } from './importer-test-app';

export const test = base.extend<{ crisp: FakeCrisp; app: ImporterTestApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture uses from its first parameter
  crisp: async ({}, use) => {
    const crisp = await startFakeCrisp({});
    await use(crisp);
    await crisp.close();
  },
  app: async ({ page, crisp }, use) => {
    expect(existsSync('out/renderer/index.html'), 'run electron-vite build first').toBe(true);
    const app = await startImporterTestApp(page, { crispApiUrl: crisp.url });
    await page.setViewportSize({ width: 1280, height: 860 });
    await use(app);
    await app.close();
  },
});

export { expect };
