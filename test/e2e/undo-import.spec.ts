// "Undo this import…" on the report, in real Chromium against the built renderer and the REAL
// handlers (test backend, real keychain), with a fake Crisp over loopback: an --undoable import
// made by the CLI in the app's state folder created contacts and updated an existing one; someone
// then edits one of them in Crisp. The confirmation says what will happen in numbers, the undo
// leaves the edited profile and asks, and "Undo them anyway" gives back exactly what Crisp held.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { comparableProfiles, spawnCli } from '../integration/reliability-support';
import { SCREENSHOT_DIR } from './support/journey-checks';
import { connectWebsite, waitForReport } from './support/journey-steps';
import { expect, test } from './support/app-fixture';

test('the report undoes an import: numbers first, a profile changed since is asked about', async ({
  page,
  app,
  crisp,
}) => {
  await app.open();
  await connectWebsite(page, crisp, 'Undo shop');

  crisp.seedProfiles([
    { email: 'regular@shop.example', segments: ['vip'], person: { nickname: 'Regular Customer' } },
  ]);
  const before = comparableProfiles(crisp);
  const lines = ['email,first_name,last_name,data.plan'];
  for (let i = 0; i < 6; i++) lines.push(`buyer${i}@shop.example,Buyer,${i},basic`);
  lines.push('regular@shop.example,Reg,Ular,gold');
  const file = join(app.stateDir, 'wrong-export.csv');
  await writeFile(file, lines.join('\n') + '\n');
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
      '--undoable',
    ],
    crisp,
  ).done;
  expect(JSON.parse(cli.stdout), cli.stderr).toMatchObject({
    state: 'completed',
    created: 6,
    updated: 1,
  });
  expect(crisp.getProfile('regular@shop.example')?.data).toMatchObject({ plan: 'gold' });
  // Someone edits a created contact in Crisp after the import.
  crisp.editProfile('buyer3@shop.example', { notepad: 'Edited by hand' });

  await page.reload();
  await page.getByRole('button', { name: /wrong-export\.csv/ }).click();
  await waitForReport(page);
  await page.getByRole('button', { name: 'Undo this import…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Undo this import?' });
  await expect(confirm.getByText('6 profiles this import created will be deleted.')).toBeVisible();
  await expect(confirm.getByText(/^1 profile it updated will get back what/)).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOT_DIR, '10-undo-confirmation.png') });
  await confirm.getByRole('button', { name: 'Undo the import' }).click();

  await expect(page.getByText('1 profile was changed in Crisp after the import')).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByText(/Undone: 5 profiles deleted, 1 profile restored/)).toBeVisible();
  expect(crisp.getProfile('buyer3@shop.example')?.notepad).toBe('Edited by hand');
  expect(crisp.getProfile('buyer0@shop.example')).toBeFalsy();
  expect(crisp.getProfile('regular@shop.example')?.data).not.toHaveProperty('plan');

  await page.getByRole('button', { name: 'Undo them anyway' }).click();
  await expect(page.getByText('1 profile was changed in Crisp after the import')).toHaveCount(0, {
    timeout: 30_000,
  });
  await expect(page.getByRole('button', { name: 'Undo this import…' })).toHaveCount(0);
  expect(comparableProfiles(crisp)).toEqual(before);
});
