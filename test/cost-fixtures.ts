// Shared fixtures of the cost and rebate tests: one MAM investor `a` of 100,000 following a
// block master from Monday 4 March 2024, a stock CFD, and builders for orders and client trades.

export const STOCK = { symbol: 'AAPL', class: 'stock', base: 'AAPL', quote: 'USD', contractSize: '1', digits: 2, minLot: '1', lotStep: '1', maxLot: '1000', marginMode: 'cfd' };

/** The base scenario with `fields` laid over it, then `edit` applied. */
export function weekScenario(fields: Record<string, unknown>, edit: (s: any) => void): any {
  const s: any = {
    seed: 1, start: '2024-03-04T00:05:00',
    instruments: ['EURUSD'],
    prices: { EURUSD: { ticks: [['2024-03-04T09:00:00', '1.09990', '1.10000'], ['2024-03-07T10:00:00', '1.10490', '1.10500']] } },
    program: { structure: 'block', allocation: 'equity', performanceFee: '0' },
    investors: [{ id: 'a', model: 'mam', deposit: '100000' }],
    orders: [],
    ...fields,
  };
  edit(s);
  return s;
}

export const open = (ticket: string, at: string, side: string, volume: string, symbol = 'EURUSD') => ({ at, action: 'open', ticket, symbol, side, volume });
export const close = (ticket: string, at: string, volume?: string) => ({ at, action: 'close', ticket, ...(volume ? { volume } : {}) });
export const trade = (ticket: string, volume: string, openAt: string, closeAt?: string, symbol = 'EURUSD') => ({ ticket, symbol, side: 'buy', volume, open: openAt, ...(closeAt ? { close: closeAt } : {}) });
