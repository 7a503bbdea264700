// A broker's book (DOMAIN §12, docs/book.md): two programs' legs netted at one instant, by hand;
// per-program netting leaving each program exactly as it runs alone; invariants in every program
// after every event and the book's market position after every instant; the loader's rules and
// messages; the programs' files combined with a program column.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BookOrder } from '../engine/book-desk.js';
import { type Book, parseBook } from '../sim/book.js';
import { combineCsv, writeBookFiles } from '../sim/book-output.js';
import { InputError } from '../sim/input-error.js';
import { writeRunFiles } from '../sim/run-output.js';
import { parseScenario } from '../sim/scenario.js';
import { Dec } from '../engine/decimal.js';
import { checkedBook, csvRecords } from './helpers.js';
import { mamlab } from './cli.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mamlab-book-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Two programs on one EURUSD quote per day. Monday 10:00 (bid 1.10000, ask 1.10020): A's master
 * buys 1.00 and its follower a1 (20,000 against the master's 10,000) 2.00, so A's net is a buy of
 * 3.00; B's master sells 0.50 and b1 (5,005 against 10,000) 0.25025, so B's net is a sell of
 * 0.75025. Tuesday 10:00 (bid 1.10500, ask 1.10520) both close.
 */
function bookText(netting: string, extra = ''): string {
  return `
name: Two desks
seed: 1
start: "2024-03-04T00:05:00"
end: "2024-03-06T00:05:00"
instruments: [EURUSD]
netting: ${netting}
prices:
  EURUSD: { ticks: [["2024-03-04T09:00:00", "1.10000", "1.10020"], ["2024-03-05T09:00:00", "1.10500", "1.10520"]] }
programs:
  - id: A
    name: Program A
    program: { structure: signal, allocation: proportional, masterDeposit: "10000", performanceFee: "0.2" }
    investors: [{ id: a1, model: mam, deposit: "20000" }]
    orders:
      - { at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1.00" }
      - { at: "2024-03-05T10:00:00", action: close, ticket: T1 }
  - id: B
    program: { structure: signal, allocation: proportional, masterDeposit: "10000", performanceFee: "0.3" }
    investors: [{ id: b1, model: mam, deposit: "5005" }]
    orders:
      - { at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: sell, volume: "0.50" }
      - { at: "2024-03-05T10:00:00", action: close, ticket: T1 }
${extra}`;
}

const FILE = join(tmpdir(), 'two-desks.yaml');
const load = (netting: string, extra = ''): Book => parseBook(bookText(netting, extra), FILE);

/** The InputError a book's text is refused with. */
function refused(text: string): InputError {
  try {
    parseBook(text, FILE);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('netting two programs at one instant (by hand)', () => {
  it('broker-wide: one external order of the book net, the house taking the residual once', () => {
    const { orders, broken, run, fills } = checkedBook(load('broker-wide'));
    expect(broken).toEqual([]);
    expect(orders).toHaveLength(2);
    const [open, close] = orders as [BookOrder, BookOrder];
    // Net 3.00 − 0.75025 = 2.24975 buy, at ask; the house sells 2.24975 − 2.24 = 0.00975, so 2.24 lots go out.
    expect(open.programs.map((p) => `${p.program} ${p.net.toString()} @ ${p.price.toString()}`)).toEqual(['A 3 @ 1.1002', 'B -0.75025 @ 1.1']);
    expect([open.side, open.price.toString(), open.net.toString(), open.house.toString(), open.external.toString()]).toEqual(['buy', '1.1002', '2.24975', '-0.00975', '2.24']);
    // 2.24 lots × the half spread 0.0001 × 100,000 = 22.40 USD paid against the mid.
    expect(open.externalSpread.toString()).toBe('22.4');
    // Tuesday: net sell 2.24975 at bid; the house buys its 0.00975 back, and 2.24 go out.
    expect([close.side, close.price.toString(), close.net.toString(), close.house.toString(), close.external.toString(), close.externalSpread.toString()]).toEqual(['sell', '1.105', '-2.24975', '0.00975', '-2.24', '22.4']);
    const t = run.desk.tally;
    expect([t.orders, t.externalVolume.toString(), t.externalSpread.toString()]).toEqual([2, '4.48', '44.8']);
    // Gross 3.75025 against a net of 2.24975, twice: 1.5005 lots each time never reached the market.
    expect(t.internalizedVolume.toString()).toBe('3.001');
    // The house was short 0.00975 from 1.10020 and bought back at 1.10500: −0.0048 × 0.00975 × 100,000 = −4.68.
    expect(t.residualRealized.toString()).toBe('-4.68');
    // Each program fills at its own net's price: A's buys at ask, B's sells at bid, both the same per policy.
    expect(fills.get('A master')).toEqual(['1.1002→1.105']);
    expect(fills.get('B mam:b1')).toEqual(['1.1→1.1052']);
  });

  it('per program: each executive sends its own order and its house keeps its own residual', () => {
    const { orders, broken, run, fills } = checkedBook(load('per-program'));
    expect(broken).toEqual([]);
    expect(orders).toEqual([]);
    // A: 3.00 out and back (whole steps); B: 0.75025 → 0.75 out, its house buying 0.00025 at 1.10000 and selling it at 1.10520.
    const t = run.desk.tally;
    expect([t.orders, t.externalVolume.toString(), t.internalizedVolume.toString(), t.externalSpread.toString()]).toEqual([4, '7.5', '0', '75']);
    expect(fills.get('A master')).toEqual(['1.1002→1.105']);
    expect(fills.get('B mam:b1')).toEqual(['1.1→1.1052']);
    expect(fills.get('B house')).toEqual(['1.1→1.1052']);
  });

  it('summary.json: the book, by program, and B\'s own residual per program', () => {
    const dir = tmp();
    const s = writeBookFiles(load('per-program'), dir);
    // (1.10520 − 1.10000) × 0.00025 × 100,000 = 0.13 to B's house.
    expect(s.book.residual.byProgram.B).toEqual({ realized: '0.1300000', floating: '0.0000000' });
    expect(s.book.residual.total.realized).toBe('0.1300000');
    expect(s.book.market).toEqual({ programOrders: 4, programVolume: '7.5005000', externalOrders: 4, externalVolume: '7.5000000', internalizedVolume: '0.0000000', externalSpread: '75.0000000' });
    const wide = writeBookFiles(load('broker-wide'), tmp());
    expect(wide.book.residual.book).toEqual({ realized: '-4.6800000', floating: '0.0000000' });
    expect(wide.book.residual.byProgram.B).toEqual({ realized: '0.0000000', floating: '0.0000000' });
    expect(wide.book.revenue.externalSpread).toBe('44.8000000');
    // The house's legs fill at the order's price, which holds the half-spread the clients' spread counts too:
    // broker-wide it sold 0.00975 at 1.10020 (mid 1.10010) and bought it back at 1.10500 (mid 1.10510),
    // 2 × 0.00975 × 0.0001 × 100,000 = 0.195; per program B's house bought 0.00025 at 1.10000 (mid 1.10010)
    // and sold at 1.10520 (mid 1.10510), 2 × 0.00025 × 0.0001 × 100,000 = 0.005. Taken off once after hedging.
    expect(wide.book.revenue.houseSpread).toBe('0.1950000');
    expect(s.book.revenue.houseSpread).toBe('0.0050000');
    expect(new Dec(wide.book.revenue.netAfterExternalSpread).toString()).toBe(new Dec(wide.book.revenue.net).minus('44.8').minus('0.195').toString());
    // So the broker keeps, after hedging, its spread on what went out... and the residual at mids: −0.005 × 0.00975 × 100,000 = −4.875.
    expect(new Dec(wide.book.revenue.byKind.spread!).minus(wide.book.revenue.externalSpread).plus(wide.book.residual.book.realized).minus(wide.book.revenue.houseSpread).toString()).toBe(new Dec(wide.book.revenue.byKind.spread!).minus('44.8').minus('4.875').toString());
    // The same fills either way: the programs' own broker figures other than the residual do not move.
    expect(wide.book.revenue.byKind.spread).toBe(s.book.revenue.byKind.spread);
    const aum = csvRecords(readFileSync(join(dir, 'aum.csv'), 'utf8'));
    expect(aum.map((r) => `${r.date} ${r.program}`)).toEqual(['2024-03-04 A', '2024-03-04 B', '2024-03-05 A', '2024-03-05 B', '2024-03-06 A', '2024-03-06 B']);
  });
});

/** Every file under a folder, by its path inside it. */
function files(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of files(p, base)) out.set(k, v);
    else out.set(relative(base, p), readFileSync(p, 'utf8'));
  }
  return out;
}

describe('per-program netting leaves each program as it runs alone', () => {
  it('every file of programs/<id>/ is byte-identical to a run of that program alone', () => {
    const book = load('per-program');
    const dir = tmp();
    writeBookFiles(book, dir);
    for (const p of book.programs) {
      const alone = tmp();
      writeRunFiles(p.scenario, alone);
      const mine = files(join(dir, 'programs', p.id)), theirs = files(alone);
      expect([...mine.keys()]).toEqual([...theirs.keys()]);
      for (const [f, text] of theirs) expect(mine.get(f), `${p.id}/${f}`).toBe(text);
    }
  });
});

describe('the book file', () => {
  it('refuses investors at the top level, naming where they belong', () => {
    const e = refused(bookText('broker-wide').replace('programs:', 'investors: [{ id: x, model: mam, deposit: "1" }]\nprograms:'));
    expect(e.path).toBe('/investors');
    expect(e.expected).toMatch(/belongs to a program/);
  });

  it('says where a broker-wide field goes when a program holds it, and names a duplicate investor on its own line', () => {
    const text = bookText('broker-wide').replace('  - id: B\n', '  - id: B\n    rebates: { plan: { fx-major: { perLot: "5" } } }\n');
    const e = refused(text);
    expect([e.path, e.expected]).toEqual(['/programs/1/rebates', "in a broker's book `rebates` is broker-wide: move it to the top level, where it applies to every program"]);
    const dup = bookText('broker-wide').replace('id: b1', 'id: a1');
    const d = refused(dup);
    expect([d.path, d.line]).toEqual(['/programs/1/investors/0/id', dup.split('\n').findIndex((l) => l.includes('investors: [{ id: a1') && l.includes('5005')) + 1]);
    expect(refused(bookText('broker-wide').replace('programs:', 'orders: []\nprograms:')).expected).toBe("in a broker's book `orders` belongs to a program: move it into its entry under `programs` (each program has its own master and its orders)");
  });

  it('refuses an investor in two programs and a program id used twice', () => {
    expect(refused(bookText('broker-wide').replace('id: b1', 'id: a1')).expected).toMatch(/investor a1 is in program A too/);
    const twice = refused(bookText('broker-wide').replace('  - id: B', '  - id: a'));
    expect([twice.path, twice.expected]).toEqual(['/programs/1/id', 'program id a is used by programs[0] too (ids differing only in case are one folder on many systems)']);
  });

  it('names the path inside the program for a program\'s own field, and the top level for a shared one', () => {
    const own = refused(bookText('broker-wide').replace('masterDeposit: "10000", performanceFee: "0.3"', 'masterDeposit: "10000", performanceFee: "1.3"'));
    expect(own.path).toBe('/programs/1/program/performanceFee');
    expect(own.line).toBe(bookText('broker-wide').split('\n').findIndex((l) => l.includes('"0.3"')) + 1);
    const unknown = refused(bookText('broker-wide').replace('symbol: EURUSD, side: sell', 'symbol: GBPUSD, side: sell'));
    expect(unknown.path).toMatch(/^\/programs\/1\/orders\/0/);
  });

  it('a single scenario refuses `netting`, and loadScenario points a book to loadBook', () => {
    const single = `name: x\nstart: "2024-03-04T00:05:00"\nend: "2024-03-05T00:05:00"\ninstruments: [EURUSD]\nprices: { EURUSD: { ticks: [["2024-03-04T09:00:00", "1.1", "1.1002"]] } }\nprogram: { structure: signal, allocation: proportional, masterDeposit: "1000" }\nnetting: per-program\n`;
    expect(() => parseScenario(single, FILE)).toThrow(/`netting` is a broker's book's: it applies to a scenario with `programs`/);
    expect(() => parseScenario(bookText('broker-wide'), FILE)).toThrow(/broker's book of several programs/);
  });

  it('top-level policies are every program\'s defaults, and a program\'s own win', () => {
    const book = load('broker-wide', '').programs;
    expect(book.map((p) => p.scenario.policies.performanceFee.period)).toEqual(['monthly', 'monthly']);
    const text = bookText('broker-wide').replace('programs:', 'policies: { performanceFee: { period: weekly } }\nprograms:').replace('    investors: [{ id: b1', '    policies: { performanceFee: { period: daily } }\n    investors: [{ id: b1');
    expect(parseBook(text, FILE).programs.map((p) => p.scenario.policies.performanceFee.period)).toEqual(['weekly', 'daily']);
  });
});

describe('combined CSV files', () => {
  it('lead every record with its program, keeping quoted line breaks and characters split across chunks', () => {
    const dir = tmp();
    const a = join(dir, 'a.csv'), b = join(dir, 'b.csv');
    // A long first field puts the multi-byte character across the 64 KiB read boundary.
    const long = 'x'.repeat((1 << 16) - 9);
    writeFileSync(a, `h1,h2\n${long},"é"\n"two\nlines",2\n`);
    writeFileSync(b, 'h1,h2\n"a ""quoted"", b",3\n');
    combineCsv([{ program: 'P1', path: a }, { program: 'P2', path: b }], join(dir, 'all.csv'));
    expect(readFileSync(join(dir, 'all.csv'), 'utf8')).toBe(`program,h1,h2\nP1,${long},"é"\nP1,"two\nlines",2\nP2,"a ""quoted"", b",3\n`);
  });
});

describe('admin operations (seed 002\'s admin API)', () => {
  const admin = (ops: string, accounts = '[{ id: c1, deposit: "10000" }]'): string => `${bookText('broker-wide')}accounts: ${accounts}\nadmin:\n${ops}`;
  const ops = [
    '  - { at: "2024-03-04T12:00:00", action: link, account: c1, program: A }',
    '  - { at: "2024-03-05T12:00:00", action: unlink, account: c1 }',
    '  - { at: "2024-03-04T11:00:00", action: fees, program: B, performanceFee: "0.4" }',
  ].join('\n') + '\n';

  it('an account linked under an open trade copies it, and unlinked takes its pay-out back to its cash', () => {
    const book = parseBook(admin(ops), FILE);
    const { broken } = checkedBook(book);
    expect(broken).toEqual([]);
    const dir = tmp();
    const s = writeBookFiles(book, dir);
    // At 12:00 the master holds 1.00 lot bought at 1.10020, valued at bid 1.10000: equity 10,000 − 20 = 9,980.
    // c1's 10,000 copies 1.00 × 10,000 / 9,980 = 1.0020040 lots (7 decimals); at 1.10500 it makes
    // 1.002004 × 0.0048 × 100,000 = 480.96192; leaving, 20% of it (96.192384) is the fee, and 10,384.769536 is paid out.
    const trades = csvRecords(readFileSync(join(dir, 'programs', 'A', 'trades.csv'), 'utf8')).filter((t) => t.account === 'mam:c1');
    expect(trades.map((t) => [t.volume, t.open_price, t.close_price, t.profit])).toEqual([['1.0020040', '1.10020', '1.10500', '480.9619200']]);
    expect(s.book.accounts).toEqual([{ id: 'c1', deposit: '10000.0000000', cash: '10384.7695360', program: null }]);
    // The fee change is B's term change, as if B's program had it.
    expect(book.programs[1]!.scenario.termChanges.map((c) => c.performanceFee?.toString())).toEqual(['0.4']);
  });

  it('refuses what a run could not do, naming the operation', () => {
    const twice = refused(admin('  - { at: "2024-03-04T12:00:00", action: link, account: c1, program: A }\n  - { at: "2024-03-04T13:00:00", action: link, account: c1, program: B }\n'));
    expect([twice.path, twice.expected]).toEqual(['/admin/1', 'account c1 is in program A at that time: unlink it first']);
    expect(refused(admin('  - { at: "2024-03-04T12:00:00", action: unlink, account: c1 }\n')).expected).toBe('account c1 is in no program at that time: link it first');
    expect(refused(admin('  - { at: "2024-03-04T12:00:00", action: link, account: zz, program: A }\n')).path).toBe('/admin/0/account');
    expect(refused(admin('  - { at: "2024-03-09T12:00:00", action: link, account: c1, program: A }\n')).expected).toBe('expected a time between the start 2024-03-04T00:05:00 and the end 2024-03-06T00:05:00, got 2024-03-09T12:00:00');
    expect(refused(admin('  - { at: "2024-03-04T12:00:00", action: link, account: c1, program: A, model: pamm }\n')).expected).toBe('program A has no PAMM pool: link the account as mam');
    const family = refused(admin('  - { at: "2024-03-04T12:00:00", action: allocation, program: A, allocation: equity }\n'));
    expect([family.path, family.expected]).toEqual(['/admin/0/allocation', 'program A is a signal program: its methods are the copy family\'s (proportional here)']);
    // A fee change is checked as a program's term change, and the message names the operation.
    const fee = refused(admin('  - { at: "2024-03-04T12:00:00", action: fees, program: B, performanceFee: "1.5" }\n'));
    expect(fee.path).toBe('/admin/0/performanceFee');
    expect(refused(admin(ops, '[{ id: a1, deposit: "5" }]')).expected).toBe('a1 is an investor of program A: an account outside the programs needs an id of its own');
  });
});

describe('the desk prices from the programs\' own fills', () => {
  it('two stops at two levels: the book\'s order goes out at their volume-weighted price, against the mids the programs saw', () => {
    const text = `
name: Two stops
seed: 1
start: "2024-03-04T00:05:00"
end: "2024-03-06T00:05:00"
instruments: [EURUSD]
policies: { intrabar: open-high-low-close }
prices:
  EURUSD: { timeframe: H1, spread: 10, bars: [["2024-03-04T09:00:00", "1.10000", "1.10000", "1.10000", "1.10000"], ["2024-03-04T11:00:00", "1.10000", "1.10000", "1.09500", "1.09500"]] }
programs:
  - id: A
    program: { structure: signal, allocation: proportional, masterDeposit: "10000" }
    orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1.00", sl: "1.09700" }]
  - id: B
    program: { structure: signal, allocation: proportional, masterDeposit: "10000" }
    orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1.00", sl: "1.09800" }]
`;
    const { orders, broken, run } = checkedBook(parseBook(text, FILE));
    expect(broken).toEqual([]);
    // The bar falls through both stops on its way to 1.09500: A sells at 1.09700, B at 1.09800; the book sells
    // 2 lots at (1.09700 + 1.09800) / 2 = 1.09750, not at the low's bid the book would see at the end of the instant.
    const stop = orders[1]!;
    expect([stop.side, stop.price.toString(), stop.external.toString()]).toEqual(['sell', '1.0975', '-2']);
    // Each stop filled with its program's quote at its level (bid = the level, ask 10 points above it):
    // mids 1.09705 and 1.09805, weighted 1.09755; 2 lots × 0.00005 × 100,000 = 10. The buys at 10:00: ask
    // 1.10010 against mid 1.10005, 2 lots × 0.00005 × 100,000 = 10 more.
    expect(stop.externalSpread.toString()).toBe('10');
    expect(run.desk.tally.externalSpread.toString()).toBe('20');
  });

  it('a program in EUR: its manager\'s fees join the book in USD at the end\'s mid', () => {
    const text = `
name: EUR program
seed: 1
start: "2024-03-04T00:05:00"
end: "2024-03-08T00:05:00"
instruments: [EURUSD]
prices:
  EURUSD: { ticks: [["2024-03-04T00:05:00", "1.10000", "1.10020"], ["2024-03-05T09:00:00", "1.20000", "1.20020"], ["2024-03-06T09:00:00", "1.20000", "1.20020"]] }
policies: { performanceFee: { period: daily } }
programs:
  - id: E
    program: { structure: signal, allocation: proportional, masterDeposit: "10000", performanceFee: "0.5", currency: EUR }
    investors: [{ id: e1, model: mam, deposit: "10000" }]
    orders:
      - { at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1.00" }
      - { at: "2024-03-05T10:00:00", action: close, ticket: T1 }
`;
    const s = writeBookFiles(parseBook(text, FILE), tmp());
    const eur = new Dec(s.programs[0]!.manager.feesByKind['performance-fee']!);
    expect(eur.isPositive()).toBe(true);
    // At the end EURUSD is 1.20000 / 1.20020: the mid 1.2001 converts, rounded half-up to the quantum.
    expect(s.leaderboard[0]!.fees).toBe(eur.times('1.2001').toDecimalPlaces(7, Dec.ROUND_HALF_UP).toFixed(7));
    expect(s.book.managerFees.total).toBe(s.leaderboard[0]!.fees);
  });
});

describe('admin operations that a program refuses or keeps', () => {
  const withAdmin = (ops: string, programA = ''): string => `${bookText('broker-wide').replace('performanceFee: "0.2" }', `performanceFee: "0.2"${programA} }`)}accounts: [{ id: c1, deposit: "10000" }]\nadmin:\n${ops}`;

  it('a join the program refuses leaves the cash with the account', () => {
    const book = parseBook(withAdmin('  - { at: "2024-03-04T12:00:00", action: link, account: c1, program: A }\n', ', terms: { minimumMamInvestment: "50000" }').replace('deposit: "20000" }]', 'deposit: "60000" }]'), FILE);
    const s = writeBookFiles(book, tmp());
    expect(s.book.accounts).toEqual([{ id: 'c1', deposit: '10000.0000000', cash: '10000.0000000', program: null }]);
  });

  it('unlinked under onLeave: detach, the account stays in the program with its trades', () => {
    const text = withAdmin('  - { at: "2024-03-04T12:00:00", action: link, account: c1, program: A }\n  - { at: "2024-03-04T13:00:00", action: unlink, account: c1 }\n').replace('    investors: [{ id: a1', '    policies: { onLeave: detach }\n    investors: [{ id: a1');
    const s = writeBookFiles(parseBook(text, FILE), tmp());
    expect(s.book.accounts).toEqual([{ id: 'c1', deposit: '10000.0000000', cash: '0.0000000', program: 'A' }]);
  });

  it('refuses a link back into a program the account left, and a link at the instant its unlink executes', () => {
    const back = refused(withAdmin('  - { at: "2024-03-04T12:00:00", action: link, account: c1, program: A }\n  - { at: "2024-03-04T13:00:00", action: unlink, account: c1 }\n  - { at: "2024-03-04T14:00:00", action: link, account: c1, program: A }\n')).expected;
    expect(back).toBe('account c1 was in program A before: a program takes an investor id once, so it cannot rejoin');
    const same = refused(withAdmin('  - { at: "2024-03-04T12:00:00", action: link, account: c1, program: A }\n  - { at: "2024-03-04T13:00:00", action: unlink, account: c1 }\n  - { at: "2024-03-04T13:00:00", action: link, account: c1, program: B }\n')).expected;
    expect(same).toBe("account c1's unlink executes at 2024-03-04T13:00:00 and this link would at 2024-03-04T13:00:00: a link must execute after the cash is back");
  });
});

describe('the command line on a book', () => {
  it('run writes the book and each program, validate lists it, a bad book exits 2 naming the path and writes nothing', () => {
    const dir = tmp();
    const file = join(dir, 'book.yaml');
    writeFileSync(file, bookText('broker-wide'));
    const v = mamlab(['validate', file]);
    expect([v.status, v.stdout]).toEqual([0, 'ok: Two desks (a book of 2 programs, netting broker-wide: A 1 investor, 2 orders; B 1 investor, 2 orders)\n']);
    const out = join(dir, 'out');
    const r = mamlab(['run', file, '--out', out]);
    expect(r.status).toBe(0);
    // The external orders: 2.24 out and 2.24 back (the two hand-computed above), for the programs' four orders.
    expect(r.stdout).toContain('market: 2 external orders, 4.48 lots, for 4 program orders, 7.5005 lots (3.001 lots netted inside the book)');
    for (const f of ['summary.json', 'report.html', 'leaderboard.html', 'book-orders.csv', 'aum.csv', 'trades.csv', 'programs/A/summary.json', 'programs/B/report.html']) expect(statSync(join(out, f)).isFile(), f).toBe(true);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, bookText('broker-wide').replace('masterDeposit: "10000", performanceFee: "0.3"', 'masterDeposit: "-5", performanceFee: "0.3"'));
    const b = mamlab(['run', bad, '--out', join(dir, 'never')]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/^error: .*bad\.yaml:\d+: \/programs\/1\/program\/masterDeposit: /);
    expect(b.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(() => statSync(join(dir, 'never'))).toThrow();
  });
});
