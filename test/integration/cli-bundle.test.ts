// The command line runs as a bundle of its sources (bin/cli-bundle.mjs): the bundle works like
// the sources, and one that no longer matches its sources is never taken for fresh.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, isBundleFresh } from '../../bin/cli-bundle.mjs';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the command-line bundle', () => {
  it('is fresh when built, and stale once a source it holds differs or is gone', async () => {
    const bundle = await buildCliBundle(join(dir, 'crisp-import.mjs'));
    expect(isBundleFresh(bundle)).toBe(true);
    const text = await readFile(bundle, 'utf8');
    const header = text.slice(0, text.indexOf('\n'));
    const inputs = JSON.parse(header.slice(header.indexOf('{'))) as Record<string, number[]>;
    expect(Object.keys(inputs)).toContain('src/cli/main.ts');
    expect(Object.keys(inputs)).toContain('bin/cli-bundle.mjs');

    // A source saved since the build (its modification time differs from the one recorded).
    const edited = { ...inputs, 'src/cli/main.ts': [inputs['src/cli/main.ts']![0]!, 1] };
    const rest = text.slice(text.indexOf('\n'));
    const staleCopy = join(dir, 'stale.mjs');
    await writeFile(staleCopy, `// crisp-import bundle of: ${JSON.stringify(edited)}${rest}`);
    expect(isBundleFresh(staleCopy)).toBe(false);

    // A source it was built from no longer exists.
    const gone = { ...inputs, 'src/cli/no-longer-here.ts': [10, 1] };
    await writeFile(staleCopy, `// crisp-import bundle of: ${JSON.stringify(gone)}${rest}`);
    expect(isBundleFresh(staleCopy)).toBe(false);

    // Not a bundle at all, or none.
    await writeFile(staleCopy, 'console.log("hello");\n');
    expect(isBundleFresh(staleCopy)).toBe(false);
    expect(isBundleFresh(join(dir, 'missing.mjs'))).toBe(false);
  });

  it('runs the same commands as the sources, with the same output and exit codes', async () => {
    const file = join(dir, 'contacts.csv');
    await writeFile(file, 'Email,Name\nann@example.com,Ann\nnot-an-email,Bob\n');
    const bin = join(process.cwd(), 'bin', 'crisp-import.mjs');
    const run = (fromSource: boolean) =>
      spawnSync(process.execPath, [bin, 'scan', file, '--json'], {
        encoding: 'utf8',
        env: { ...process.env, CRISP_IMPORT_FROM_SOURCE: fromSource ? '1' : '0' },
      });
    const bundled = run(false);
    const sources = run(true);
    expect(bundled.status).toBe(1);
    expect(sources.status).toBe(1);
    const fields = (out: string) => {
      const report = JSON.parse(out) as Record<string, unknown>;
      delete report.seconds;
      delete report.elapsedSeconds;
      return report;
    };
    expect(fields(bundled.stdout)).toEqual(fields(sources.stdout));
    expect(fields(bundled.stdout)).toMatchObject({ rows: 2 });
  });
});
