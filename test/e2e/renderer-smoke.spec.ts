import { test, expect } from '@playwright/test';
import { existsSync } from 'node:fs';
import { serveBuiltRenderer } from './support/static-renderer-server';

test('the built renderer loads and shows the app title', async ({ page }) => {
  expect(existsSync('out/renderer/index.html'), 'run electron-vite build first').toBe(true);
  const server = await serveBuiltRenderer();
  try {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contact Importer for Crisp');
  } finally {
    await server.close();
  }
});
