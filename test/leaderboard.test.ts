// The leaderboard's order (reports/leaderboard.ts), ties included: by the figure, then the figures
// after it in the order return → drawdown → aum → investors → fees (wrapping round), then the id.
import { describe, expect, it } from 'vitest';
import { type LeaderboardEntry, leaderboard, leaderboardOrder } from '../reports/leaderboard.js';

const entry = (id: string, over: Partial<LeaderboardEntry> = {}): LeaderboardEntry => ({ id, name: id, return: 0.1, maxDrawdown: 0.05, aum: '1000.0000000', investors: 3, fees: '10.0000000', ...over });

describe('leaderboard order', () => {
  it('ranks by return, higher first', () => {
    const board = leaderboard([entry('a', { return: 0.01 }), entry('b', { return: 0.2 }), entry('c', { return: -0.3 })]);
    expect(board.map((r) => [r.rank, r.id])).toEqual([[1, 'b'], [2, 'a'], [3, 'c']]);
  });

  it('a tie on return goes to the lower drawdown, then the higher AUM, the more investors, the higher fees', () => {
    const board = leaderboard([
      entry('dd-high', { maxDrawdown: 0.09 }),
      entry('dd-low', { maxDrawdown: 0.01 }),
      entry('aum-high', { aum: '2000.0000000' }),
      entry('inv-more', { investors: 9 }),
      entry('fees-high', { fees: '99.0000000' }),
      entry('plain'),
    ]);
    // Same return 0.1 for all; dd-low (0.01) first, dd-high (0.09) last; among drawdown 0.05: AUM 2000 first,
    // then 9 investors, then fees 99, then plain.
    expect(board.map((r) => r.id)).toEqual(['dd-low', 'aum-high', 'inv-more', 'fees-high', 'plain', 'dd-high']);
  });

  it('a tie on every figure goes to the id in code-unit order (upper case before lower case), so no two share a rank', () => {
    const board = leaderboard([entry('b'), entry('a'), entry('B')]);
    expect(board.map((r) => `${r.rank} ${r.id}`)).toEqual(['1 B', '2 a', '3 b']);
  });

  it('each figure\'s own rank breaks its ties with the figures after it, wrapping round to return', () => {
    // Equal AUM: the next figures are investors (equal), fees (equal), then return (x higher).
    const x = entry('x', { return: 0.3, maxDrawdown: 0.2 }), y = entry('y', { return: 0.1, maxDrawdown: 0.01 });
    expect([x, y].sort(leaderboardOrder('aum')).map((e) => e.id)).toEqual(['x', 'y']);
    // By drawdown alone y (1%) leads; by return x.
    const board = leaderboard([x, y]);
    expect(board.find((r) => r.id === 'y')!.ranks).toEqual({ return: 2, drawdown: 1, aum: 2, investors: 2, fees: 2 });
    expect(board.find((r) => r.id === 'x')!.ranks).toEqual({ return: 1, drawdown: 2, aum: 1, investors: 1, fees: 1 });
  });

  it('compares AUM and fees as exact decimals, not as text', () => {
    const board = leaderboard([entry('nine', { return: 0, aum: '9.0000000' }), entry('ten', { return: 0, aum: '10.0000000' })]);
    expect(board.map((r) => r.id)).toEqual(['ten', 'nine']);
  });
});
