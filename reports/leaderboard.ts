// The leaderboard of a broker's book (DOMAIN §12, seed 002's marketing widget): the programs
// ranked by return, with their rank by each figure a leaderboard sorts on. Pure: the figures come
// from each program's summary, so the same run gives the same board, byte for byte.
//
// Order, stated once (docs/book.md):
// - return: the master's time-weighted return, higher first;
// - drawdown: the master's maximum drawdown, lower first;
// - aum: investors' equity at the end, higher first;
// - investors: active investors at the end, more first;
// - fees: what the manager charged its investors (performance, management, entry, subscription,
//   volume fees; before fee shares paid to IBs, its rebates not counted), higher first.
// The board itself is by return. A tie on a figure goes to the next figure in the order
// return → drawdown → aum → investors → fees (starting after the figure ranked on, then
// wrapping round), and a tie on every figure to the program id in code-unit order; so no two
// programs ever share a rank.
import { Dec } from '../engine/decimal.js';

export const LEADERBOARD_FIGURES = ['return', 'drawdown', 'aum', 'investors', 'fees'] as const;
export type LeaderboardFigure = (typeof LEADERBOARD_FIGURES)[number];

/** How each figure breaks a tie on the board by return, in the words the pages use. */
const TIE_WORDS: Readonly<Record<LeaderboardFigure, string>> = {
  return: "the master's time-weighted return, higher first",
  drawdown: 'the lower maximum drawdown',
  aum: 'the higher AUM',
  investors: 'the more investors',
  fees: 'the higher fees charged to investors',
};

/**
 * The board's order and tie rule in one sentence, stated here once for every page that shows the
 * board (the book's report.html and leaderboard.html); it follows LEADERBOARD_FIGURES' order.
 */
export const LEADERBOARD_ORDER_TEXT = `Ranked by ${TIE_WORDS.return}; a tie goes to ${LEADERBOARD_FIGURES.slice(1).map((f) => TIE_WORDS[f]).join(', then ')}, and last to the program id, so no two programs share a rank.`;

/** One program's figures, as its summary gives them. */
export interface LeaderboardEntry {
  readonly id: string;
  readonly name: string;
  /** The master's time-weighted return over the run (0.12 = 12%). */
  readonly return: number;
  /** The master's maximum drawdown (0.05 = 5%). */
  readonly maxDrawdown: number;
  /** Investors' equity at the end, USD, a decimal string on the quantum. */
  readonly aum: string;
  readonly investors: number;
  /** What the manager charged its investors in fees over the run (rebates not counted), USD, a decimal string on the quantum. */
  readonly fees: string;
}

export interface LeaderboardRow extends LeaderboardEntry {
  /** Rank on the board (by return), from 1. */
  readonly rank: number;
  /** Rank by each figure, from 1. */
  readonly ranks: Readonly<Record<LeaderboardFigure, number>>;
}

/** Positive when `a` ranks after `b` on the figure alone (0: tied on it). */
function byFigure(f: LeaderboardFigure, a: LeaderboardEntry, b: LeaderboardEntry): number {
  switch (f) {
    case 'return': return Math.sign(b.return - a.return);
    case 'drawdown': return Math.sign(a.maxDrawdown - b.maxDrawdown);
    case 'aum': return new Dec(b.aum).cmp(new Dec(a.aum));
    case 'investors': return Math.sign(b.investors - a.investors);
    case 'fees': return new Dec(b.fees).cmp(new Dec(a.fees));
  }
}

/** The order of the figure `f`: by it, ties by the figures after it (wrapping round), then by id. */
export function leaderboardOrder(f: LeaderboardFigure): (a: LeaderboardEntry, b: LeaderboardEntry) => number {
  const i = LEADERBOARD_FIGURES.indexOf(f);
  const chain = [...LEADERBOARD_FIGURES.slice(i), ...LEADERBOARD_FIGURES.slice(0, i)];
  return (a, b) => {
    for (const g of chain) {
      const c = byFigure(g, a, b);
      if (c !== 0) return c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** The board: every program with its rank by return and by each figure, in the order of its rank by return. */
export function leaderboard(entries: readonly LeaderboardEntry[]): LeaderboardRow[] {
  const ranks = new Map<string, Record<LeaderboardFigure, number>>(entries.map((e) => [e.id, { return: 0, drawdown: 0, aum: 0, investors: 0, fees: 0 }]));
  for (const f of LEADERBOARD_FIGURES) [...entries].sort(leaderboardOrder(f)).forEach((e, i) => { ranks.get(e.id)![f] = i + 1; });
  return [...entries].sort(leaderboardOrder('return')).map((e, i) => ({ ...e, rank: i + 1, ranks: ranks.get(e.id)! }));
}
