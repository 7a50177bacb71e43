// What every journey screen must pass: a screenshot saved as a test artifact, and an axe-core
// check with no serious or critical violation.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const SCREENSHOT_DIR = join('test-results', 'screenshots');

/** Saves `test-results/screenshots/<prefix>-<name>.png` and attaches it to the report. */
export async function screenshot(
  page: Page,
  testInfo: TestInfo,
  prefix: string,
  name: string,
): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${prefix}-${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** No serious or critical accessibility violation on the screen as it is now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact}: ${v.id} (${v.help}) on ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
  expect(blocking, `accessibility violations on the ${screen} screen`).toEqual([]);
}

/** Screenshot and accessibility check of one screen. */
export async function checkScreen(
  page: Page,
  testInfo: TestInfo,
  prefix: string,
  name: string,
): Promise<void> {
  await screenshot(page, testInfo, prefix, name);
  await expectAccessible(page, name);
}
