// The run report's program overview (issue 17): the money under management over time, stacked
// by the master, the MAM sub-accounts and the PAMM pool's members, and the net result of each
// party (the investors, the manager, the IBs, the broker's own clients, the broker) in one
// compact chart.
import { Dec } from '../engine/decimal.js';
import { FIGURES, sumInUsd, sweepJobResult } from '../sim/sweep-figures.js';
import { type ChartData, plotLib, plotSvg } from './chart.js';
import { esc, humanAmount } from './html.js';

import type { Summary } from './summary.js';

/** The stacked chart's groups, bottom up: its legend lists them in this order too. */
const AUM_GROUPS = ['master account', 'MAM sub-accounts', 'PAMM members'] as const;

/** Equity at each sampled instant, summed per group: what the stacked chart draws. */
function aumByGroup(chart: ChartData): Array<{ time: Date; group: string; equity: number }> {
  const groups = AUM_GROUPS.filter((g) => chart.instants.some((x) => x.aum[g] !== undefined));
  // Every group at every instant (0 where it had nobody), so the stack never has holes.
  return chart.instants.flatMap((x) => groups.map((group) => ({ time: new Date(x.time), group, equity: x.aum[group] ?? 0 })));
}

/** The currencies of the trading accounts (master, MAM sub-accounts, the pool, clients): what the program's money is in (the broker's own accounts are USD whatever they hold). */
export function tradingCurrencies(s: Summary): Set<string> {
  return new Set(s.accounts.filter((a) => ['master', 'mam', 'pamm', 'client'].includes(String(a.kind))).map((a) => String(a.currency)));
}

/**
 * The broker's self-trading clients' net result summed: equity + withdrawals − deposits of each
 * client account, in USD at the end's rates (as the investors' figure); '' without clients, or
 * when a client's currency has no rate (the sum is left out, not guessed).
 */
export function clientsNet(s: Summary): string {
  const clients = s.accounts.filter((a) => a.kind === 'client');
  if (clients.length === 0) return '';
  return sumInUsd(s.totals.rates, clients.map((a) => [new Dec(a.equity!).plus(a.withdrawals!).minus(a.deposits!).toFixed(7), String(a.currency)] as const));
}

/** A server time (UTC wall time, as stored) at the start of its day, plus `days`. */
const utc = (t: string, days: number): Date => new Date((Math.floor(Date.parse(`${t.slice(0, 19)}Z`) / 86_400_000) + days) * 86_400_000);

/** Deposits up, withdrawals down, per server day (USD), as one bar chart; '' when nothing moved. */
function flowsChart(flows: ReadonlyMap<number, { in: number; out: number }>, run: { start: string; end: string }): string {
  const days = [...flows.entries()].sort((a, b) => a[0] - b[0]);
  if (days.length === 0) return '';
  const Plot = plotLib();
  const data = days.flatMap(([day, f]) => [
    ...(f.in ? [{ day: new Date(day * 86_400_000), amount: f.in, kind: 'deposits' }] : []),
    ...(f.out ? [{ day: new Date(day * 86_400_000), amount: f.out, kind: 'withdrawals' }] : []),
  ]);
  return plotSvg({
    // The run's whole span, so flows on one day read as that day of the run, not as the whole axis.
    width: 960, height: 200, marginLeft: 70, marginBottom: 45, x: { type: 'utc', label: 'server day', labelOffset: 42, domain: [utc(run.start, 0), utc(run.end, 1)] }, y: { grid: true, label: 'money in (+) and out (−) a day (USD)' },
    color: { legend: true, domain: ['deposits', 'withdrawals'], range: ['#2da44e', '#cf222e'] },
    marks: [Plot.rectY(data, { x: 'day', interval: 'day', y: 'amount', fill: 'kind', inset: 0.5 }), Plot.ruleY([0])],
  });
}

export function overviewSection(s: Summary, chart: ChartData, flows: ReadonlyMap<number, { in: number; out: number }> = new Map()): string {
  const Plot = plotLib();
  const currencies = tradingCurrencies(s);
  const stacked = chart.instants.length === 0 || currencies.size !== 1 ? [] : aumByGroup(chart);
  const aum = chart.instants.length === 0 ? '' : currencies.size === 1
    ? plotSvg({
      // Below the two-line date ticks, the axis label: not over the last month's name.
      width: 960, height: 270, marginLeft: 70, marginBottom: 45, x: { type: 'utc', label: 'server time', labelOffset: 42 }, y: { grid: true, label: `equity under management (${[...currencies][0]})` },
      // The legend in the stacking order (bottom up), not Plot's alphabetical one.
      color: { legend: true, domain: AUM_GROUPS.filter((g) => stacked.some((d) => d.group === g)) },
      marks: [Plot.areaY(stacked, { x: 'time', y: 'equity', fill: 'group', z: 'group', curve: 'step-after', order: [...AUM_GROUPS] }), Plot.ruleY([0])],
    })
    : '<p class="meta">The accounts hold several currencies: each line of the equity chart below is in its own.</p>';
  const f = sweepJobResult(s).figures;
  const fig = (name: string): string => f[FIGURES.findIndex((x) => x.name === name)]!;
  const parties = [
    { party: 'investors', net: fig('investors_net') },
    { party: 'manager', net: fig('manager_net') },
    { party: 'IBs', net: fig('ib_net') },
    { party: "broker's clients", net: clientsNet(s) },
    { party: 'broker', net: fig('broker_net') },
  ].filter((p) => p.net !== '').map((p) => ({ party: `${p.party}  ${humanAmount(new Dec(p.net).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2))}`, net: Number(p.net) }));
  const byParty = plotSvg({
    width: 960, height: 60 + 30 * parties.length, marginLeft: 170, marginRight: 30, x: { grid: true, label: 'net result over the run (USD) →' }, y: { label: null, domain: parties.map((p) => p.party) },
    marks: [Plot.barX(parties, { x: 'net', y: 'party', fill: (d: { net: number }) => (d.net < 0 ? '#cf222e' : '#2da44e') }), Plot.ruleX([0])],
  });
  const aumNote = currencies.size === 1 ? `<p class="meta">Equity under management at the chart's sampled instants, stacked: ${s.program.structure === 'signal' ? "the manager's master account, " : ''}the MAM sub-accounts and the pool's members while they are in the program (deposits and withdrawals move it as much as gains and losses; the returns table removes them).</p>` : '';
  const flowSvg = flowsChart(flows, { start: String(s.scenario.start), end: String(s.scenario.end) });
  return `<h2>Program overview</h2>
${aum ? `<figure>${aum}</figure>\n${aumNote}` : ''}
${flowSvg ? `<h3>Flows</h3>\n<figure>${flowSvg}</figure>\n<p class="meta">Deposits and withdrawals of every account a day, in USD (the master's funding and the broker's clients too; an amount in another currency at the rate of its moment). Every one is in journal.csv.</p>` : ''}
<h3>Who ended with what</h3>
<figure>${byParty}</figure>
<p class="meta">Net over the run, in USD: the investors' results summed (equity + withdrawals − deposits, after fees), the manager's fees and rebates net of cashback passed on, the IBs' rebates net of cashback, ${s.accounts.some((a) => a.kind === 'client') ? "the broker's self-trading clients' results summed (equity + withdrawals − deposits, cashback included), " : ''}and the broker's net (spread, commissions, swaps, less rebates and absorbed balances). The same figures as a sweep's${s.accounts.some((a) => a.kind === 'client') ? " (the clients' from the accounts table, at the end's rates)" : ''}; exact in summary.json. ${esc(s.program.structure === 'signal' ? "The master account's own trading result is in the accounts table." : '')}</p>`;
}
