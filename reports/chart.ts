// The equity chart, drawn on the server with Observable Plot into a jsdom document and
// serialized as inline SVG. UTC scales: server time is stored as UTC wall time, so labels
// never depend on the machine's time zone.
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import type { ChartPoint } from './run-writer.js';

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
