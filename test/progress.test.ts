// Progress of a long run: nothing in the first two seconds, then (not on a terminal) a plain line
// every ten seconds with the server time reached, the share of the run, quotes a second and the
// time left, all computed here from a clock the test controls.
import { describe, expect, it } from 'vitest';
import { jobsProgress, runProgress } from '../bin/progress.js';
import { type ServerTime, serverTime } from '../engine/time.js';

/** Server time is kept as UTC wall time in milliseconds. */
const parseServerTime = (s: string): ServerTime => serverTime(Date.parse(`${s}Z`));

describe('run progress', () => {
  it('is silent for two seconds, then prints a line every ten seconds (not a terminal)', () => {
    let out = '';
    let clock = 1_000;
    const start = parseServerTime('2024-03-01T00:00:00');
    const end = parseServerTime('2024-03-11T00:00:00');
    // 100 quotes, one every 2.4 hours over the ten days.
    const ticks = Array.from({ length: 100 }, (_, k) => ({ time: serverTime(start + k * 8_640_000) }));
    const p = runProgress({ stdout: { write: () => true }, stderr: { write: (s: string) => (out += s), isTTY: false } }, { start, end, ticks: { length: ticks.length, time: (i) => ticks[i]!.time } }, () => clock);
    clock = 2_900; // 1.9 s in
    p.onInstant(ticks[10]!.time);
    expect(out).toBe('');
    clock = 5_000; // 4 s in, a quarter of the run (60 h of 240): ticks 0–25 are at or before it, 26 quotes / 4 s = 6.5 → 7 quotes/s; 4 s × 0.75 / 0.25 = 12 s left
    p.onInstant(serverTime(start + 60 * 3_600_000));
    expect(out).toBe('progress: server time 2024-03-03T12:00:00 (25.0%), 7 quotes/s, about 12 s left\n');
    clock = 9_000; // within ten seconds of the last line: nothing
    p.onInstant(ticks[40]!.time);
    expect(out.split('\n').length).toBe(2);
    clock = 15_000; // 14 s in, half the run: 51 quotes / 14 s = 3.6 → 4 quotes/s; 14 s × 0.5 / 0.5 = 14 s left
    p.onInstant(serverTime(start + 432_000_000));
    expect(out.split('\n')[1]).toBe('progress: server time 2024-03-06T00:00:00 (50.0%), 4 quotes/s, about 14 s left');
    p.stop();
  });
});

describe('jobs progress', () => {
  it('is silent for ten seconds off a terminal, then says jobs done of all, jobs a second and the time left, counting resumed jobs as done but not in the rate', () => {
    let out = '';
    let clock = 0;
    const p = jobsProgress({ stdout: { write: () => true }, stderr: { write: (s: string) => (out += s), isTTY: false } }, 'sweep', () => clock);
    clock = 9_500;
    p.onProgress({ done: 40, total: 200, cached: 30 });
    expect(out).toBe('');
    // 10 s in: 60 done, 30 of them from the work area: 30 run / 10 s = 3.00 jobs/s; 140 left / 3 = 46.7 → 47 s.
    clock = 10_000;
    p.onProgress({ done: 60, total: 200, cached: 30 });
    expect(out).toBe('progress: sweep 60/200 jobs (30.0%), 3.00 jobs/s, about 47 s left, 30 from the work area\n');
    clock = 19_000; // within ten seconds of the last line
    p.onProgress({ done: 100, total: 200, cached: 30 });
    expect(out.split('\n').length).toBe(2);
    // 20 s in: 170 run / 20 s = 8.50 jobs/s (two decimals below 10); 0 left.
    clock = 20_000;
    p.onProgress({ done: 200, total: 200, cached: 30 });
    expect(out.split('\n')[1]).toBe('progress: sweep 200/200 jobs (100.0%), 8.50 jobs/s, about 0 s left, 30 from the work area');
    p.stop();
  });
});
