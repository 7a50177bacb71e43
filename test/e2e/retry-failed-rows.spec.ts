// "Retry N failed rows" on the report, in real Chromium against the built renderer and the REAL
// handlers (test backend, engine worker, real keychain), with a fake Crisp over loopback: an
// import made by the CLI in the app's state folder lost rows to server errors (and one to a
// refusal); the report offers to retry the first ones only, and the retry turns them into
// created contacts while the refused one stays, explained.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnCli } from '../integration/reliability-support';
import { connectWebsite, waitForReport } from './support/journey-steps';
import { expect, test } from './support/app-fixture';

test('the report retries the failed rows that can pass, and says why the others are not', async ({
  page,
  app,
  crisp,
}) => {
  await app.open();
  await connectWebsite(page, crisp, 'Retry shop');

  const lines = ['email,first_name,last_name'];
  for (let i = 0; i < 12; i++) lines.push(`buyer${i}@shop.example,Buyer,${i}`);
  const file = join(app.stateDir, 'retry-export.csv');
  await writeFile(file, lines.join('\n') + '\n');
  crisp.configure({
    faults: {
      failingEmails: {
        'buyer2@shop.example': 503,
        'buyer5@shop.example': 500,
        'buyer8@shop.example': 400,
      },
    },
  });
  const cli = await spawnCli(
    [
      'run',
      file,
      '--website',
      crisp.websiteId,
      '--api-url',
      crisp.url,
      '--state-dir',
      app.stateDir,
      '--json',
      '--max-attempts',
      '2',
      '--retry-delay',
      '10',
    ],
    crisp,
  ).done;
  expect(JSON.parse(cli.stdout), cli.stderr).toMatchObject({ state: 'completed', failed: 3 });

  await page.reload();
  await page.getByRole('button', { name: /retry-export\.csv/ }).click();
  await waitForReport(page);
  const failedCount = page.getByLabel('Import counts').locator('.stat', { hasText: 'Failed' });
  await expect(failedCount.locator('dd')).toHaveText('3');
  await expect(
    page.getByText(/1 failed row is not sent again: Crisp refused its data/),
  ).toBeVisible();
  const retry = page.getByRole('button', { name: 'Retry 2 failed rows' });
  await expect(retry).toBeVisible();

  crisp.configure({ faults: { failingEmails: { 'buyer8@shop.example': 400 } } });
  await retry.click();
  await waitForReport(page);
  await expect(failedCount.locator('dd')).toHaveText('1', { timeout: 30_000 });
  await expect(
    page.getByLabel('Import counts').locator('.stat', { hasText: 'Created' }).locator('dd'),
  ).toHaveText('11');
  await expect(page.getByRole('button', { name: /Retry \d+ failed row/ })).toHaveCount(0);
  await expect(page.getByText(/1 failed row is not sent again/)).toBeVisible();
  expect(crisp.getProfile('buyer2@shop.example')?.person.nickname).toBe('Buyer 2');
  expect(crisp.getProfile('buyer5@shop.example')?.person.nickname).toBe('Buyer 5');
  expect(crisp.getProfile('buyer8@shop.example')).toBeFalsy();
});
