// The command line runs as one bundled file, out/cli/crisp-import.mjs, built from src/cli by
// esbuild. Running the TypeScript sources through tsx's loader costs about 0.7 s of start-up and
// 40 MB of memory in every process; the bundle costs neither.
//
// A stale bundle is never run. Its first line records the size and modification time of every
// source file it was built from (and of this file); when one differs, the bundle is rebuilt
// (about 0.2 s) and written in one rename, so two processes building at once cannot leave a
// half-written file or a bundle beside the record of other sources. If it cannot be built (no
// esbuild, a read-only folder), the caller runs the sources through tsx instead.
import {
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'src', 'cli', 'main.ts');
const SELF = fileURLToPath(import.meta.url);
export const CLI_BUNDLE = join(ROOT, 'out', 'cli', 'crisp-import.mjs');
const HEADER = '// crisp-import bundle of: ';
const HEADER_LIMIT = 256 * 1024;

/** The size and modification time of a file, as recorded in the bundle's first line. */
function fileStamp(path) {
  const stat = statSync(path);
  return [stat.size, stat.mtimeMs];
}

function recordedInputs(bundlePath) {
  let fd;
  try {
    fd = openSync(bundlePath, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(HEADER_LIMIT);
    const length = readSync(fd, buffer, 0, HEADER_LIMIT, 0);
    const text = buffer.toString('utf8', 0, length);
    const end = text.indexOf('\n');
    if (!text.startsWith(HEADER) || end < 0) return undefined;
    return JSON.parse(text.slice(HEADER.length, end));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** True when the bundle exists and every file it was built from is exactly as it was then. */
export function isBundleFresh(bundlePath = CLI_BUNDLE) {
  const inputs = recordedInputs(bundlePath);
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) return false;
  const entries = Object.entries(inputs);
  if (entries.length === 0) return false;
  for (const [path, stamp] of entries) {
    let now;
    try {
      now = fileStamp(join(ROOT, path));
    } catch {
      return false;
    }
    if (!Array.isArray(stamp) || stamp[0] !== now[0] || stamp[1] !== now[1]) return false;
  }
  return true;
}

/** Builds the bundle from the sources and writes it in one rename. */
export async function buildCliBundle(bundlePath = CLI_BUNDLE) {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    metafile: true,
    write: false,
    outfile: bundlePath,
    logLevel: 'silent',
  });
  const inputs = { [relative(ROOT, SELF)]: fileStamp(SELF) };
  for (const input of Object.keys(result.metafile.inputs)) {
    inputs[input] = fileStamp(join(ROOT, input));
  }
  // A source saved while esbuild read it may be in the bundle in its old form: keep nothing.
  if (Object.values(inputs).some(([, mtimeMs]) => mtimeMs >= startedAt)) {
    throw new Error('a source file changed while the bundle was built');
  }
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (code === undefined) throw new Error('esbuild wrote no bundle');
  mkdirSync(dirname(bundlePath), { recursive: true });
  const temporary = `${bundlePath}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, `${HEADER}${JSON.stringify(inputs)}\n${code.text}`, { flag: 'wx' });
  renameSync(temporary, bundlePath);
  return bundlePath;
}

/** The path of a fresh bundle (built now if needed), or undefined when it cannot be built. */
export async function freshCliBundle() {
  if (isBundleFresh()) return CLI_BUNDLE;
  try {
    return await buildCliBundle();
  } catch {
    return undefined;
  }
}

// `node bin/cli-bundle.mjs` (part of `npm run build`): build it now, and fail loudly if it cannot.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) {
  const path = await buildCliBundle();
  console.log(`Built ${relative(process.cwd(), path)} from src/cli.`);
}
