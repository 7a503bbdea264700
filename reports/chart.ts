// Report charts, drawn on the server with Observable Plot into a jsdom document and
// serialized as inline SVG. UTC scales: server time is stored as UTC wall time, so labels
// never depend on the machine's time zone.
import { createRequire } from 'node:module';
import type * as PlotLib from '@observablehq/plot';
import type * as JsdomLib from 'jsdom';
import type { ChartPoint, HealthPoint } from './run-writer.js';

// Observable Plot and jsdom load on the first chart, not with this module: a sweep job or a
// Monte Carlo seed runs through the same code as a report but draws nothing, and a worker
// thread should not pay their start-up (about a second). require() loads both synchronously
// (jsdom is CommonJS; Plot, an ES module, through Node's require of ES modules, on by default
// from Node 20.19, which package.json asks for).
const load = createRequire(import.meta.url);
let libs: { Plot: typeof PlotLib; JSDOM: typeof JsdomLib.JSDOM } | undefined;
function charting(): { Plot: typeof PlotLib; JSDOM: typeof JsdomLib.JSDOM } {
  return (libs ??= { Plot: load('@observablehq/plot') as typeof PlotLib, JSDOM: (load('jsdom') as typeof JsdomLib).JSDOM });
}

/** Observable Plot itself, loaded on first use (for a page that builds its own marks). */
export function plotLib(): typeof PlotLib {
  return charting().Plot;
}

/** Draws a Plot figure into a fresh jsdom document and returns it as inline SVG: every report chart goes through here. */
export function plotSvg(options: PlotLib.PlotOptions): string {
  const { Plot, JSDOM } = charting();
  const { document } = new JSDOM('<!doctype html><html><body></body></html>').window;
  return Plot.plot({ ...options, document }).outerHTML;
}

/** A chart over server time: 960 wide, a UTC time axis, a legend for the series (or for the named marks of `color`). */
function timeChart(height: number, y: PlotLib.ScaleOptions, marks: PlotLib.Markish[], color: PlotLib.ScaleOptions = { legend: true }): string {
  return plotSvg({ width: 960, height, marginLeft: 70, x: { type: 'utc', label: 'server time' }, y, color, marks });
}

/** A legend naming fixed-colour marks (a band, a median, a rule): Plot draws a swatch for each name, no mark uses the scale. */
const namedLegend = (entries: ReadonlyArray<readonly [name: string, colour: string]>): PlotLib.ScaleOptions => ({ legend: true, domain: entries.map((e) => e[0]), range: entries.map((e) => e[1]) });

/** A 5–95% band's fill: #4c78a8 at a quarter on white, solid, so its legend swatch is the colour drawn. */
const BAND_FILL = '#d2dde9';

/** Lines a chart draws one by one, with a legend; beyond, percentile bands. */
export const MAX_LINES = 12;

/** Nearest-rank 5%, 50% and 95% of the values at each instant, in time order. */
function quantileBands(points: readonly ChartPoint[]): Array<{ time: Date; q05: number; q50: number; q95: number }> {
  const at = new Map<number, number[]>();
  for (const p of points) {
    const xs = at.get(p.time);
    if (xs) xs.push(p.equity);
    else at.set(p.time, [p.equity]);
  }
  const q = (xs: number[], f: number): number => xs[Math.max(0, Math.ceil(f * xs.length) - 1)]!;
  return [...at.entries()].sort((a, b) => a[0] - b[0]).map(([time, xs]) => {
    xs.sort((a, b) => a - b);
    return { time: new Date(time), q05: q(xs, 0.05), q50: q(xs, 0.5), q95: q(xs, 0.95) };
  });
}

/** `unit`: the accounts' currency, or words saying each line is in its own. */
export function equityChartSvg(points: readonly ChartPoint[], unit = 'USD'): string {
  if (points.length === 0) return '<p>No equity points to draw.</p>';
  const data = points.map((p) => ({ time: new Date(p.time), subject: p.subject, equity: p.equity }));
  const { Plot } = charting();
  const subjects = new Set(points.map((p) => p.subject));
  if (subjects.size <= MAX_LINES) {
    return timeChart(380, { grid: true, label: `equity (${unit})` }, [
      Plot.lineY(data, { x: 'time', y: 'equity', stroke: 'subject', z: 'subject', curve: 'step-after' }),
      Plot.ruleY([0]),
    ]);
  }
  // Beyond a dozen lines a chart is spaghetti and its legend a wall: the investors as a band
  // (5–95% and the median across them at each sampled instant), the master as its own line.
  const bands = quantileBands(points.filter((p) => p.subject !== 'master'));
  const master = data.filter((d) => d.subject === 'master');
  const investors = subjects.size - (master.length ? 1 : 0);
  return timeChart(380, { grid: true, label: `equity (${unit}): ${investors} investors as 5–95% and median${master.length ? '; the master' : ''}` }, [
    Plot.areaY(bands, { x: 'time', y1: 'q05', y2: 'q95', fill: BAND_FILL, curve: 'step-after' }),
    Plot.lineY(bands, { x: 'time', y: 'q50', stroke: '#4c78a8', curve: 'step-after' }),
    ...(master.length ? [Plot.lineY(master, { x: 'time', y: 'equity', stroke: '#2da44e', curve: 'step-after' })] : []),
    Plot.ruleY([0]),
  ], namedLegend([[`5–95% of the ${investors} investors at each instant`, BAND_FILL], ["the investors' median", '#4c78a8'], ...(master.length ? [["the master account", '#2da44e'] as const] : [])]));
}

/** Levels above this are drawn at the top of the health chart (margin.csv has the exact figures). */
export const HEALTH_CAP = 1000;

/**
 * Nearest-rank 5%, 50% and 95% of the accounts' margin levels at each instant, in time order. A
 * NaN level (nothing open) is no level: it is left out of its instant, and an instant where no
 * account has one gets NaN bounds, which break the band as nothing open breaks a line.
 */
export function levelBands(points: ReadonlyArray<{ readonly time: number; readonly level: number }>): Array<{ time: Date; accounts: number; q05: number; q50: number; q95: number }> {
  const at = new Map<number, number[]>();
  for (const p of points) {
    let xs = at.get(p.time);
    if (!xs) at.set(p.time, (xs = []));
    if (!Number.isNaN(p.level)) xs.push(p.level);
  }
  const q = (xs: number[], f: number): number => (xs.length ? xs[Math.max(1, Math.ceil(f * xs.length - 1e-9)) - 1]! : NaN);
  return [...at.entries()].sort((a, b) => a[0] - b[0]).map(([time, xs]) => {
    xs.sort((a, b) => a - b);
    return { time: new Date(time), accounts: xs.length, q05: q(xs, 0.05), q50: q(xs, 0.5), q95: q(xs, 0.95) };
  });
}

/** The health view (seed 002): margin level of every account over time, with the margin-call and stop-out levels. */
export function healthChartSvg(points: readonly HealthPoint[], marginCall: number, stopOut: number): string {
  if (points.length === 0) return '<p>No margin in use during the run.</p>';
  const data = points.map((p) => ({ time: new Date(p.time), account: p.account, level: Math.min(p.level, HEALTH_CAP) }));
  const below = data.filter((d) => d.level < stopOut);
  const low = Math.min(0, ...data.filter((d) => !Number.isNaN(d.level)).map((d) => d.level));
  const { Plot } = charting();
  const rules = [
    Plot.ruleY([marginCall], { stroke: '#bf8700', strokeDasharray: '4,3' }),
    Plot.ruleY([stopOut], { stroke: '#cf222e', strokeDasharray: '4,3' }),
    // Instants whose lowest level fell below the stop-out level: where forced closes happened.
    Plot.dot(below, { x: 'time', y: 'level', stroke: '#cf222e', r: 4 }),
  ];
  const accounts = new Set(points.map((p) => p.account)).size;
  if (accounts <= MAX_LINES) {
    return timeChart(320, { grid: true, label: `margin level % (capped at ${HEALTH_CAP})`, domain: [low, HEALTH_CAP] }, [
      Plot.lineY(data, { x: 'time', y: 'level', stroke: 'account', z: 'account', curve: 'step-after' }),
      ...rules,
    ]);
  }
  // Beyond a dozen accounts, one line each is spaghetti: the accounts with something open as a
  // band (5–95%) and their median at each instant; the red dots still mark every account below stop-out.
  const bands = levelBands(data.map((d) => ({ time: d.time.getTime(), level: d.level })));
  return timeChart(320, { grid: true, label: `margin level % (capped at ${HEALTH_CAP}): ${accounts} accounts as 5–95% and median`, domain: [low, HEALTH_CAP] }, [
    Plot.areaY(bands, { x: 'time', y1: 'q05', y2: 'q95', fill: BAND_FILL, curve: 'step-after' }),
    Plot.lineY(bands, { x: 'time', y: 'q50', stroke: '#4c78a8', curve: 'step-after' }),
    ...rules,
  ], namedLegend([
    ['5–95% of the accounts with a position open', BAND_FILL], ['median', '#4c78a8'],
    [`margin call (${marginCall}%)`, '#bf8700'], [`stop-out (${stopOut}%)`, '#cf222e'], ['an account below stop-out', '#cf222e'],
  ]));
}
