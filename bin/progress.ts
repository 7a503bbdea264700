// Progress of a long run (issue 13): how far the simulated clock has got, quotes a second and an
// estimate of the time left. Nothing for the first two seconds (most runs are over by then) and
// nothing under --quiet; on a terminal a bar (cli-progress) that is cleared at the end, elsewhere
// a plain line every ten seconds, so a CI log shows a long run is alive without filling up.
// The wall clock is read here, at the command line, never in the engine or the simulation.
import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import { formatServerTime, type ServerTime } from '../engine/time.js';
import type { Io } from './terminal.js';

/** cli-progress, loaded when a bar is first drawn (a quiet run, --help and --version never load it). */
const bars = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress') as typeof cliProgress;

/** Two seconds before anything is shown; a plain line every ten seconds; the bar redrawn at most 5 times a second. */
const QUIET_FOR_MS = 2_000;
const LINE_EVERY_MS = 10_000;
const BAR_EVERY_MS = 200;

export interface RunProgress {
  /** After each instant of the run: its server time. */
  onInstant(time: ServerTime): void;
  /** The run ended (or failed): remove the bar. */
  stop(): void;
}

/** Quotes with a time at or before `t`, in ascending `times`. */
function quotesUpTo(times: { readonly length: number; time(i: number): number }, t: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times.time(mid) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

export function runProgress(io: Io, run: { readonly start: number; readonly end: number; readonly ticks: { readonly length: number; time(i: number): number } }, now: () => number = () => performance.now()): RunProgress {
  const began = now();
  const span = Math.max(1, run.end - run.start);
  // The first line comes as soon as the quiet time is over, the next ones every LINE_EVERY_MS.
  let last = began - LINE_EVERY_MS;
  let bar: cliProgress.SingleBar | undefined;
  const state = (time: number) => {
    const elapsed = now() - began;
    const done = Math.min(1, Math.max(0, (time - run.start) / span));
    const quotes = quotesUpTo(run.ticks, time);
    const rate = elapsed > 0 ? (quotes / elapsed) * 1000 : 0;
    const left = done > 0 ? (elapsed * (1 - done)) / done : NaN;
    return { elapsed, done, clock: formatServerTime(time as ServerTime), rate: Math.round(rate).toLocaleString('en-US'), eta: Number.isFinite(left) ? duration(left) : '…' };
  };
  return {
    onInstant(time) {
      const t = now();
      if (t - began < QUIET_FOR_MS) return;
      if (io.stderr.isTTY) {
        if (t - last < BAR_EVERY_MS) return;
        last = t;
        const s = state(time);
        if (!bar) {
          bar = new (bars().SingleBar)({
            format: 'run |{bar}| {percentage}% | server time {clock} | {rate} quotes/s | about {left} left',
            stream: io.stderr as unknown as NodeJS.WritableStream, hideCursor: true, clearOnComplete: true, barsize: 24,
          }, bars().Presets.shades_classic);
          bar.start(1000, 0, { clock: s.clock, rate: s.rate, left: s.eta });
        }
        bar.update(Math.floor(s.done * 1000), { clock: s.clock, rate: s.rate, left: s.eta });
        return;
      }
      if (t - last < LINE_EVERY_MS) return;
      last = t;
      const s = state(time);
      io.stderr.write(`progress: server time ${s.clock} (${(s.done * 100).toFixed(1)}%), ${s.rate} quotes/s, about ${s.eta} left\n`);
    },
    stop() {
      if (bar) bar.stop();
      bar = undefined;
    },
  };
}

/** Progress of many jobs (seeds, variants, sweep cells): what `onProgress` is given. */
export interface JobsProgress {
  onProgress(p: { readonly done: number; readonly total: number; readonly cached: number }): void;
  stop(): void;
}

/**
 * Jobs done of all, jobs a second and the time left: on a terminal a bar (cli-progress) from the
 * first job on, cleared at the end; elsewhere a plain line every ten seconds.
 * Jobs found finished in the work area count as done but not in the rate.
 */
export function jobsProgress(io: Io, what: string, now: () => number = () => performance.now()): JobsProgress {
  const began = now();
  // Off a terminal the first line comes after ten seconds (starting worker threads alone can take two).
  let last = began;
  let bar: cliProgress.SingleBar | undefined;
  const state = (p: { readonly done: number; readonly total: number; readonly cached: number }) => {
    const elapsed = now() - began;
    const ran = p.done - p.cached;
    const rate = elapsed > 0 ? (ran / elapsed) * 1000 : 0;
    const left = rate > 0 ? ((p.total - p.done) / rate) * 1000 : NaN;
    return { rate: rate >= 10 ? rate.toFixed(0) : rate.toFixed(2), eta: Number.isFinite(left) ? duration(left) : '…', resumed: p.cached ? `, ${p.cached} from the work area` : '' };
  };
  return {
    onProgress(p) {
      const t = now();
      if (io.stderr.isTTY) {
        if (t - last < BAR_EVERY_MS && p.done < p.total) return;
        last = t;
        const s = state(p);
        if (!bar) {
          bar = new (bars().SingleBar)({
            format: `${what} |{bar}| {value}/{total} jobs | {rate} jobs/s | about {left} left{resumed}`,
            stream: io.stderr as unknown as NodeJS.WritableStream, hideCursor: true, clearOnComplete: true, barsize: 24,
          }, bars().Presets.shades_classic);
          bar.start(p.total, 0, { rate: s.rate, left: s.eta, resumed: s.resumed });
        }
        bar.update(p.done, { rate: s.rate, left: s.eta, resumed: s.resumed });
        return;
      }
      if (t - last < LINE_EVERY_MS) return;
      last = t;
      const s = state(p);
      io.stderr.write(`progress: ${what} ${p.done}/${p.total} jobs (${((p.done / Math.max(1, p.total)) * 100).toFixed(1)}%), ${s.rate} jobs/s, about ${s.eta} left${s.resumed}\n`);
    },
    stop() {
      if (bar) bar.stop();
      bar = undefined;
    },
  };
}
