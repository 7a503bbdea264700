#!/usr/bin/env node
// The mamlab command: a thin shell over `main` (bin/cli.ts) that sets the exit code. Installed, it
// runs from the build (dist/bin/mamlab.js); in a checkout, `npm run mamlab` runs the sources with tsx.
import { main } from './cli.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, debug: Boolean(process.env.MAMLAB_DEBUG) });
process.exit(code);
