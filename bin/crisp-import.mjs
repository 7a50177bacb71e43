#!/usr/bin/env node
// Entry point of the `crisp-import` command line. It runs the TypeScript sources through tsx so
// the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
