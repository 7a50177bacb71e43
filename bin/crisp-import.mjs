#!/usr/bin/env node
// Entry point of the `crisp-import` command line. It runs the bundle of src/cli (rebuilt first
// when any source changed, see cli-bundle.mjs), or the TypeScript sources through tsx when the
// bundle cannot be built or CRISP_IMPORT_FROM_SOURCE=1 asks for it.
import { pathToFileURL } from 'node:url';
import { freshCliBundle } from './cli-bundle.mjs';

const bundle = process.env.CRISP_IMPORT_FROM_SOURCE === '1' ? undefined : await freshCliBundle();
if (bundle !== undefined) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
