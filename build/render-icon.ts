// Renders build/icon.svg to the PNG icons electron-builder uses (1024 px for macOS/Linux,
// 256 px for Windows), with Debian's chromium: `node --import tsx build/render-icon.ts`.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const svg = readFileSync(resolve('build/icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const size of [1024, 512, 256]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = svg.replace('width="1024" height="1024"', `width="${size}" height="${size}"`);
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${sized}</body></html>`,
    );
    const name = size === 1024 ? 'icon.png' : `icons/${size}x${size}.png`;
    await page.locator('svg').screenshot({ path: resolve('build', name), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
