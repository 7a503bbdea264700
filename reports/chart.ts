// Report charts, drawn on the server with Observable Plot into a jsdom document and
// serialized as inline SVG. UTC scales: server time is stored as UTC wall time, so labels
// never depend on the machine's time zone.
import { createRequire } from 'node:module';
import type * as PlotLib from '@observablehq/plot';
import type * as JsdomLib from 'jsdom';
import type { ChartSampler } from './chart-data.js';

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
  const { Plot } = charting();
  // One document for every chart: Plot builds each figure as detached elements of it (nothing is
  // appended), and a fresh jsdom window per chart cost more than drawing most charts.
  return Plot.plot({ ...options, document: chartDocument() }).outerHTML;
}

let doc: Document | undefined;
function chartDocument(): Document {
  return (doc ??= new (charting().JSDOM)('<!doctype html><html><body></body></html>').window.document);
}

/** A chart over server time: 960 wide, a UTC time axis, a legend for the series (or for the named marks of `color`). */
function timeChart(height: number, y: PlotLib.ScaleOptions, marks: PlotLib.Markish[], color: PlotLib.ScaleOptions = { legend: true }): string {
  return plotSvg({ width: 960, height, marginLeft: 70, marginBottom: 45, x: { type: 'utc', label: 'server time', labelOffset: 42 }, y, color, marks });
}

/** A legend naming fixed-colour marks (a band, a median, a rule): Plot draws a swatch for each name, no mark uses the scale. */
const namedLegend = (entries: ReadonlyArray<readonly [name: string, colour: string]>): PlotLib.ScaleOptions => ({ legend: true, domain: entries.map((e) => e[0]), range: entries.map((e) => e[1]) });

/** A 5–95% band's fill: #4c78a8 at a quarter on white, solid, so its legend swatch is the colour drawn. */
const BAND_FILL = '#d2dde9';

export { MAX_LINES } from './chart-data.js';

/** What the run charts draw: the sampler's records, and each account's points while they are few (null beyond MAX_LINES). */
export type ChartData = Pick<ChartSampler, 'instants' | 'points' | 'health' | 'below'>;

/** `unit`: the accounts' currency, or words saying each line is in its own. */
export function equityChartSvg(chart: ChartData, unit = 'USD'): string {
  const { Plot } = charting();
  if (chart.points) {
    if (chart.points.length === 0) return '<p>No equity points to draw.</p>';
    const data = chart.points.map((p) => ({ time: new Date(p.time), subject: p.subject, equity: p.equity }));
    return timeChart(380, { grid: true, label: `equity (${unit})` }, [
      Plot.lineY(data, { x: 'time', y: 'equity', stroke: 'subject', z: 'subject', curve: 'step-after' }),
      Plot.ruleY([0]),
    ]);
  }
  // Beyond a dozen lines a chart is spaghetti and its legend a wall: the investors as a band
  // (5–95% and the median across them at each sampled instant), the master as its own line.
  const bands = chart.instants.filter((x) => x.investors).map((x) => ({ time: new Date(x.time), ...x.investors! }));
  const master = chart.instants.filter((x) => x.master !== undefined).map((x) => ({ time: new Date(x.time), equity: x.master! }));
  const investors = Math.max(0, ...bands.map((b) => b.n));
  return timeChart(380, { grid: true, label: `equity (${unit}): ${investors} investors as 5–95% and median${master.length ? '; the master' : ''}` }, [
    Plot.areaY(bands, { x: 'time', y1: 'q05', y2: 'q95', fill: BAND_FILL, curve: 'step-after' }),
    Plot.lineY(bands, { x: 'time', y: 'q50', stroke: '#4c78a8', curve: 'step-after' }),
    ...(master.length ? [Plot.lineY(master, { x: 'time', y: 'equity', stroke: '#2da44e', curve: 'step-after' })] : []),
    Plot.ruleY([0]),
  ], namedLegend([[`5–95% of the ${investors} investors at each instant`, BAND_FILL], ["the investors' median", '#4c78a8'], ...(master.length ? [["the master account", '#2da44e'] as const] : [])]));
}

/** Levels above this are drawn at the top of the health chart (margin.csv has the exact figures). */
export const HEALTH_CAP = 1000;

/** The health view (seed 002): margin level of every account over time (beyond a dozen accounts, their 5–95% band and median), with the margin-call and stop-out levels. */
export function healthChartSvg(chart: ChartData, marginCall: number, stopOut: number): string {
  const { Plot } = charting();
  const cap = (x: number): number => Math.min(x, HEALTH_CAP);
  const rules = (below: ReadonlyArray<{ time: Date; level: number }>): PlotLib.Markish[] => [
    Plot.ruleY([marginCall], { stroke: '#bf8700', strokeDasharray: '4,3' }),
    Plot.ruleY([stopOut], { stroke: '#cf222e', strokeDasharray: '4,3' }),
    // Instants whose lowest level fell below the stop-out level: where forced closes happened.
    Plot.dot(below, { x: 'time', y: 'level', stroke: '#cf222e', r: 4 }),
  ];
  if (chart.health) {
    if (chart.health.length === 0) return '<p>No margin in use during the run.</p>';
    const data = chart.health.map((p) => ({ time: new Date(p.time), account: p.account, level: cap(p.level) }));
    const low = Math.min(0, ...data.filter((d) => !Number.isNaN(d.level)).map((d) => d.level));
    return timeChart(320, { grid: true, label: `margin level % (capped at ${HEALTH_CAP})`, domain: [low, HEALTH_CAP] }, [
      Plot.lineY(data, { x: 'time', y: 'level', stroke: 'account', z: 'account', curve: 'step-after' }),
      ...rules(data.filter((d) => d.level < stopOut)),
    ]);
  }
  // Beyond a dozen accounts, one line each is spaghetti: the accounts with something open as a
  // band (5–95%) and their median at each sampled instant (an instant with none breaks the
  // band, as nothing open breaks a line); the red dots still mark the levels below stop-out.
  const bands = chart.instants.map((x) => ({ time: new Date(x.time), q05: x.levels ? cap(x.levels.q05) : NaN, q50: x.levels ? cap(x.levels.q50) : NaN, q95: x.levels ? cap(x.levels.q95) : NaN }));
  const below = chart.below.map((h) => ({ time: new Date(h.time), level: cap(h.level) }));
  const accounts = Math.max(0, ...chart.instants.map((x) => x.levels?.n ?? 0));
  if (accounts === 0) return '<p>No margin in use during the run.</p>';
  const low = Math.min(0, ...bands.filter((b) => !Number.isNaN(b.q05)).map((b) => b.q05), ...below.map((b) => b.level));
  return timeChart(320, { grid: true, label: `margin level % (capped at ${HEALTH_CAP}): up to ${accounts} accounts as 5–95% and median`, domain: [low, HEALTH_CAP] }, [
    Plot.areaY(bands, { x: 'time', y1: 'q05', y2: 'q95', fill: BAND_FILL, curve: 'step-after' }),
    Plot.lineY(bands, { x: 'time', y: 'q50', stroke: '#4c78a8', curve: 'step-after' }),
    ...rules(below),
  ], namedLegend([
    ['5–95% of the accounts with a position open', BAND_FILL], ['median', '#4c78a8'],
    [`margin call (${marginCall}%)`, '#bf8700'], [`stop-out (${stopOut}%)`, '#cf222e'], ['an account below stop-out', '#cf222e'],
  ]));
}
