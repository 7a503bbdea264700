// Analysis: realized profit, closed volume and trade count per account and per symbol from a
// run's trades.csv, as danfojs-node tables. Float analytics for reading, never for booking.
// Usage: npx tsx notebooks/pnl-by-account.ts out/joint-program
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dfd from 'danfojs-node';

const dir = process.argv[2] ?? 'out/joint-program';
const [header, ...lines] = readFileSync(join(dir, 'trades.csv'), 'utf8').trim().split('\n');
const cols = header!.split(',');
const rows = lines.map((l) => Object.fromEntries(l.split(',').map((c, i) => [cols[i]!, c])));
const closed = rows.filter((r) => r.status === 'closed').map((r) => ({ account: r.account!, symbol: r.symbol!, profit: Number(r.profit), volume: Number(r.volume) }));

const df = new dfd.DataFrame(closed);
const byAccount = df.groupby(['account']).agg({ profit: ['sum', 'count'], volume: 'sum' });
const bySymbol = df.groupby(['symbol']).agg({ profit: 'sum', volume: 'sum' });
console.log(`Realized profit per account (${dir})`);
byAccount.print();
console.log('Per symbol');
bySymbol.print();
