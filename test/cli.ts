// Runs the real CLI in a child process (what a user types), for exit codes and messages.
import { spawn, spawnSync } from 'node:child_process';
import { ROOT } from './helpers.js';

const ARGS = ['--import', 'tsx', 'bin/mamlab.ts'];

export function mamlab(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...ARGS, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function mamlabAsync(args: string[]): Promise<number | null> {
  return new Promise((done) => spawn(process.execPath, [...ARGS, ...args], { cwd: ROOT, stdio: 'ignore' }).on('exit', done));
}
