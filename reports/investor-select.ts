// Which investors get their own pages (a tear sheet and printable statements): `--investor-pages`.
//   auto   every investor up to AUTO_ALL of them, else the TOP_AUTO best and TOP_AUTO worst
//   all    every investor
//   none   nobody (investors/index.html still lists everyone)
//   top:N  the N best and the N worst
//   a,b,c  those investors
// Best and worst by time-weighted return (flows removed, so a large and a small account with
// the same trading rank alike, whatever their currency); ties by the scenario's order.
import { InputError } from '../sim/input-error.js';

/** Up to this many investors, `auto` writes every page. */
export const AUTO_ALL = 50;
/** Beyond AUTO_ALL, `auto` writes this many best and this many worst. */
export const TOP_AUTO = 10;

export interface Ranked {
  readonly id: string;
  readonly twr: number;
}

/** The investors from best to worst by TWR; equal returns keep the scenario's order. */
export function rankByReturn(investors: readonly Ranked[]): Ranked[] {
  return investors.map((x, k) => ({ x, k })).sort((a, b) => b.x.twr - a.x.twr || a.k - b.k).map((e) => e.x);
}

/** The N best and N worst, best first, worst last (each once when they overlap). */
export function topAndBottom(investors: readonly Ranked[], n: number): Ranked[] {
  const ranked = rankByReturn(investors);
  if (2 * n >= ranked.length) return ranked;
  return [...ranked.slice(0, n), ...ranked.slice(ranked.length - n)];
}

/**
 * The ids to write pages for, in the scenario's order. Throws an InputError for an id the
 * scenario does not have (checked before the run by `checkInvestorPages`).
 */
export function selectInvestors(choice: string | undefined, investors: readonly Ranked[]): Set<string> {
  const c = choice ?? 'auto';
  if (c === 'none') return new Set();
  if (c === 'all' || (c === 'auto' && investors.length <= AUTO_ALL)) return new Set(investors.map((i) => i.id));
  const n = c === 'auto' ? TOP_AUTO : c.startsWith('top:') ? Number(c.slice(4)) : undefined;
  if (n !== undefined) return new Set(topAndBottom(investors, n).map((i) => i.id));
  const ids = new Set(c.split(',').map((x) => x.trim()));
  checkIds(ids, investors.map((i) => i.id));
  return ids;
}

/** Refuses, before anything runs, an `--investor-pages` list naming an investor the scenario does not have. */
export function checkInvestorPages(choice: string | undefined, investorIds: readonly string[]): void {
  if (choice === undefined || ['auto', 'all', 'none'].includes(choice) || choice.startsWith('top:')) return;
  checkIds(new Set(choice.split(',').map((x) => x.trim())), investorIds);
}

function checkIds(ids: ReadonlySet<string>, known: readonly string[]): void {
  const have = new Set(known);
  const unknown = [...ids].filter((id) => !have.has(id));
  if (unknown.length === 0) return;
  const list = known.length > 8 ? `${known.slice(0, 8).join(', ')}, … (${known.length} in all)` : known.join(', ');
  throw new InputError('--investor-pages', '', `no investor ${unknown.map((u) => JSON.stringify(u)).join(', ')} in the scenario; its investors are ${list || 'none'}`);
}
