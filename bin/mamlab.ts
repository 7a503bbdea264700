#!/usr/bin/env node
// The mamlab command: a thin shell over `main` (bin/cli.ts) that sets the exit code. Installed, it
// runs from the build (dist/bin/mamlab.js); in a checkout, `npm run mamlab` runs the sources with tsx.
import { main } from './cli.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, debug: Boolean(process.env.MAMLAB_DEBUG) });
// Writes to a pipe are asynchronous: exiting at once would cut what is still buffered (a large
// --json summary piped to jq stopped at 64 KiB). An empty write's callback runs after every
// earlier write of that stream has been handed over; then the process may end.
const drained = (s: NodeJS.WriteStream): Promise<void> => new Promise((done) => s.write('', () => done()));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
