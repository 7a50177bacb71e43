#!/usr/bin/env node
// The README's test command (`npm test`): lint, type-check, build, then every test suite.
// On Linux without a session bus it re-runs itself under dbus-run-session with an unlocked,
// throwaway gnome-keyring so the keychain tests talk to a real Secret Service. HOME points to a
// temporary folder so no test touches the developer's own keyring or settings.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const inKeyringSession = process.env.CRISP_IMPORTER_TEST_SESSION === '1';

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

if (process.platform === 'linux' && !inKeyringSession) {
  if (!which('dbus-run-session') || !which('gnome-keyring-daemon')) {
    console.error(
      'The tests need a Secret Service for the keychain tests. Install it with:\n' +
        '  sudo apt-get install dbus dbus-x11 gnome-keyring libsecret-1-dev',
    );
    process.exit(2);
  }
  const home = mkdtempSync(join(tmpdir(), 'crisp-importer-test-home-'));
  const inner = `echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec node ${JSON.stringify(process.argv[1])} ${process.argv
    .slice(2)
    .map((a) => JSON.stringify(a))
    .join(' ')}`;
  const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], {
    stdio: 'inherit',
    env: {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? home, '.npm'),
      CRISP_IMPORTER_TEST_SESSION: '1',
    },
  });
  rmSync(home, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}

const steps = [
  ['lint', ['npx', 'eslint', '.']],
  ['format', ['npx', 'prettier', '--check', '.']],
  ['typecheck (node)', ['npx', 'tsc', '-p', 'tsconfig.node.json', '--noEmit']],
  ['typecheck (web)', ['npx', 'tsc', '-p', 'tsconfig.web.json', '--noEmit']],
  ['build', ['npx', 'electron-vite', 'build']],
  ['build (command line)', ['node', 'bin/cli-bundle.mjs']],
  ['unit and integration tests', ['npx', 'vitest', 'run']],
  ['end-to-end tests', ['npx', 'playwright', 'test']],
];
const only = process.argv.slice(2);
for (const [name, [cmd, ...args]] of steps) {
  if (only.length > 0 && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}
console.log('\nAll checks passed.');
