// The equity chart, drawn on the server with Observable Plot into a jsdom document and
// serialized as inline SVG. UTC scales: server time is stored as UTC wall time, so labels
// never depend on the machine's time zone.
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import type { ChartPoint, HealthPoint } from './run-writer.js';

export function equityChartSvg(points: readonly ChartPoint[]): string {
  if (points.length === 0) return '<p>No equity points to draw.</p>';
  const { document } = new JSDOM('<!doctype html><html><body></body></html>').window;
  const data = points.map((p) => ({ time: new Date(p.time), subject: p.subject, equity: p.equity }));
  const figure = Plot.plot({
    document,
    width: 960,
    height: 380,
    marginLeft: 70,
    x: { type: 'utc', label: 'server time' },
    y: { grid: true, label: 'equity (USD)' },
    color: { legend: true },
    marks: [
      Plot.lineY(data, { x: 'time', y: 'equity', stroke: 'subject', curve: 'step-after' }),
      Plot.ruleY([0]),
    ],
  });
  return figure.outerHTML;
}

/** Levels above this are drawn at the top of the health chart (margin.csv has the exact figures). */
export const HEALTH_CAP = 1000;

/** The health view (seed 002): margin level of every account over time, with the margin-call and stop-out levels. */
export function healthChartSvg(points: readonly HealthPoint[], marginCall: number, stopOut: number): string {
  if (points.length === 0) return '<p>No margin in use during the run.</p>';
  const { document } = new JSDOM('<!doctype html><html><body></body></html>').window;
  const data = points.map((p) => ({ time: new Date(p.time), account: p.account, level: Math.min(p.level, HEALTH_CAP) }));
  const below = data.filter((d) => d.level < stopOut);
  const figure = Plot.plot({
    document,
    width: 960,
    height: 320,
    marginLeft: 70,
    x: { type: 'utc', label: 'server time' },
    y: { grid: true, label: `margin level % (capped at ${HEALTH_CAP})`, domain: [Math.min(0, ...data.filter((d) => !Number.isNaN(d.level)).map((d) => d.level)), HEALTH_CAP] },
    color: { legend: true },
    marks: [
      Plot.lineY(data, { x: 'time', y: 'level', stroke: 'account', curve: 'step-after' }),
      Plot.ruleY([marginCall], { stroke: '#bf8700', strokeDasharray: '4,3' }),
      Plot.ruleY([stopOut], { stroke: '#cf222e', strokeDasharray: '4,3' }),
      // Instants whose lowest level fell below the stop-out level: where forced closes happened.
      Plot.dot(below, { x: 'time', y: 'level', stroke: '#cf222e', r: 4 }),
    ],
  });
  return figure.outerHTML;
}
