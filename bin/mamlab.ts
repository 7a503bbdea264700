#!/usr/bin/env -S npx tsx
// The mamlab command: a thin shell over `main` (bin/cli.ts) that sets the exit code.
import { main } from './cli.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, debug: Boolean(process.env.MAMLAB_DEBUG) });
process.exit(code);
