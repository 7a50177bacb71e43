// The same journey in the real Electron app (Playwright's _electron): the built main process,
// preload and renderer, native dialogs answered by replacing electron.dialog in the main process.
// Where the Electron binary is not installed (CI installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1),
// the test is skipped and says why.
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deleteCrispCredentials, listSavedWebsites } from '../../src/main/engine/credentials';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { checkScreen } from './support/journey-checks';
import { writeJourneyFile } from './support/journey-files';
import {
  chooseFile,
  connectWebsite,
  continueToFile,
  expectEveryContactCorrect,
  expectPresetProposed,
  fixMappingAndSavePreset,
  previewAndCheck,
  startImport,
  waitForReport,
  type DialogAnswers,
} from './support/journey-steps';

/**
 * The Electron binary, or why it cannot be used. Found the way the electron package finds it
 * (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH), without requiring the package: its index.js
 * tries to download a missing binary.
 */
function electronBinary(): { path: string } | { missing: string } {
  const hint = 'install without ELECTRON_SKIP_BINARY_DOWNLOAD to run it';
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: `the electron package is not installed; ${hint}` };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { missing: `the Electron binary was not downloaded (no ${pathFile}); ${hint}` };
  }
  const executable = readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, executable) : join(packageDir, 'dist', executable);
  if (!existsSync(path)) return { missing: `the Electron binary is missing (${path}); ${hint}` };
  return { path };
}

const binary = electronBinary();
if ('missing' in binary) {
  console.log(`Skipping the Electron journey: ${binary.missing}.`);
}

const CONTACTS = 60;
const PRESET = 'Monthly shop export';

let stateDir: string;
let keychainService: string;
let crisp: FakeCrisp;
let app: ElectronApplication | null = null;

async function launch(): Promise<ElectronApplication> {
  if ('missing' in binary) throw new Error(binary.missing);
  return electron.launch({
    executablePath: binary.path,
    args: ['out/main/index.js', ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
    env: {
      ...process.env,
      CRISP_IMPORTER_STATE_DIR: stateDir,
      CRISP_IMPORTER_KEYCHAIN_SERVICE: keychainService,
      CRISP_API_URL: crisp.url,
    },
  });
}

/** Native dialogs answered in the main process, the way a person would pick the file. */
function dialogAnswers(getApp: () => ElectronApplication): DialogAnswers {
  return {
    answerOpen: (path) =>
      getApp().evaluate(({ dialog }, chosen) => {
        dialog.showOpenDialog = (() =>
          Promise.resolve({
            canceled: false,
            filePaths: [chosen],
          })) as typeof dialog.showOpenDialog;
      }, path),
    answerSave: (path) =>
      getApp().evaluate(({ dialog }, chosen) => {
        dialog.showSaveDialog = (() =>
          Promise.resolve({ canceled: false, filePath: chosen })) as typeof dialog.showSaveDialog;
      }, path),
  };
}

test.describe('the Electron app', () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');

  test.beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'importer-electron-'));
    keychainService = `crisp-importer-electron-${randomUUID()}`;
    crisp = await startFakeCrisp({});
  });

  test.afterEach(async () => {
    await app?.close().catch(() => undefined);
    app = null;
    await crisp.close();
    for (const website of await listSavedWebsites({ service: keychainService }).catch(() => [])) {
      await deleteCrispCredentials(website.websiteId, { service: keychainService });
    }
    await rm(stateDir, { recursive: true, force: true });
  });

  test('the import journey in the real app, quit and restarted mid-import', async ({
    browserName: _browser,
  }, testInfo) => {
    test.setTimeout(240_000);
    app = await launch();
    let page = await app.firstWindow();
    const shot = (name: string) => checkScreen(page, testInfo, 'electron', name);
    const dialogs = dialogAnswers(() => app!);
    const march = await writeJourneyFile(stateDir, 'shop-export-march.csv', CONTACTS, 'march');

    // Secure defaults, seen from the page: no Node, one narrow API object.
    const exposure = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      importer: Object.keys((globalThis as unknown as { importer: object }).importer).length > 10,
    }));
    expect(exposure).toEqual({ require: 'undefined', process: 'undefined', importer: true });

    await connectWebsite(page, crisp, 'Test shop');
    await shot('01-connect');
    await continueToFile(page);
    await chooseFile(page, dialogs, march.path);
    await shot('02-choose-file');
    await fixMappingAndSavePreset(page, PRESET);
    await shot('03-map-columns');
    await previewAndCheck(page, dialogs, march, join(stateDir, 'problems.csv'));
    await shot('04-preview');

    crisp.configure({ rateLimit: { perSecond: 6, status: 429, retryAfter: 'seconds' } });
    await startImport(page, CONTACTS + 1);
    await expect.poll(() => crisp.listProfiles().length, { timeout: 60_000 }).toBeGreaterThan(5);
    await shot('05-importing');

    // Quit in the middle of the import and start the app again.
    await app.close();
    crisp.configure({ rateLimit: null });
    app = await launch();
    page = await app.firstWindow();
    await expect(page.getByText('An import did not finish')).toBeVisible();
    await page.getByRole('button', { name: 'Resume it' }).click();
    await waitForReport(page);
    await shot('06-report');
    expectEveryContactCorrect(crisp, march);

    const savedFailed = join(stateDir, 'failed.csv');
    await dialogs.answerSave(savedFailed);
    await page.getByRole('button', { name: 'Save the failed rows as…' }).click();
    await expect(page.getByText(`Saved to ${savedFailed}`)).toBeVisible();
    expect(await readFile(savedFailed, 'utf8')).toContain('not-an-email');

    const april = await writeJourneyFile(stateDir, 'shop-export-april.csv', 5, 'april');
    await expectPresetProposed(page, dialogs, april.path, PRESET);
    await shot('07-preset-proposed');
  });
});
