// Analysis: realized profit, closed volume and trade count per account and per symbol from a
// run's trades.csv, as danfojs-node tables. Float analytics for reading, never for booking.
// Usage: npx tsx notebooks/pnl-by-account.ts out/joint-program
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import * as dfd from 'danfojs-node';

const dir = process.argv[2] ?? 'out/joint-program';
// A real CSV parser: ids and reasons may hold quoted commas and line breaks.
const rows = parse(readFileSync(join(dir, 'trades.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
const closed = rows.filter((r) => r.status === 'closed').map((r) => ({ account: r.account!, symbol: r.symbol!, profit: Number(r.profit), volume: Number(r.volume) }));

const df = new dfd.DataFrame(closed);
const byAccount = df.groupby(['account']).agg({ profit: ['sum', 'count'], volume: 'sum' });
const bySymbol = df.groupby(['symbol']).agg({ profit: 'sum', volume: 'sum' });
console.log(`Realized profit per account (${dir})`);
byAccount.print();
console.log('Per symbol');
bySymbol.print();
