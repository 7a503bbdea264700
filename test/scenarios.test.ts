import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import type { Program } from '../engine/program.js';
import { runToDirectory } from '../sim/run-output.js';
import { loadVariants } from '../sim/scenario.js';
import { isBookFile, loadBook } from '../sim/book.js';
import { bundledScenarios, checkedBook, checkedRun, scenarioPath } from './helpers.js';

describe('every bundled scenario keeps the books after every event', () => {
  for (const file of bundledScenarios()) {
    if (isBookFile(scenarioPath(file))) {
      it(`${file} (a book): every program's books after every event, the market's position after every instant`, () => {
        const r = checkedBook(loadBook(scenarioPath(file)));
        expect(r.broken).toEqual([]);
        expect(r.checks).toBeGreaterThan(5);
      });
      continue;
    }
    it(`${file}: double entry, conservation, equity = balance + open P&L, PAMM values and units`, () => {
      const r = checkedRun(scenarioPath(file));
      expect(r.broken).toEqual([]);
      expect(r.checks).toBeGreaterThan(5);
      // A stress run's scripted closes may find their trades already closed by a stop-out or the hard stop; nothing else is refused.
      const forced = new Set(r.sink.trades.filter((t) => t.cause === 'stop-out' || t.cause === 'hard-stop' || t.cause === 'risk-limit').map((t) => t.masterTicket));
      const blocked = new Set(r.sink.events.filter((e) => e.reason.startsWith('the master hard stop has triggered')).map((e) => e.ticket));
      const refused = r.sink.events.filter((e) => e.kind.endsWith('-rejected') && !blocked.has(e.ticket) && !(e.reason === `no open master trade ${e.ticket}` && forced.has(e.ticket!)));
      expect(refused).toEqual([]);
    });
  }
});

describe('every variant of both comparisons keeps the books after every event', () => {
  const variants = ['allocation-comparison.json', 'fee-comparison.json'].flatMap((f) => loadVariants(scenarioPath(f)).variants);
  it('covers all 33 variants (16 allocation, 17 fee conventions)', () => expect(variants.length).toBe(33));
  for (const v of variants) {
    it(v.name, () => {
      const r = checkedRun(v.scenario);
      expect(r.broken).toEqual([]);
      expect(r.sink.events.filter((e) => e.kind === 'order-rejected')).toEqual([]);
    });
  }
});

describe('every variant of the stress scenario keeps the books after every event, forced closes included', () => {
  const variants = loadVariants(scenarioPath('stress-weekend-gap.json')).variants;
  it('covers its 5 variants', () => expect(variants.map((v) => v.name)).toEqual(['as-scripted', 'pause', 'carry', 'no-weekend-gap', 'tight-pool']));
  for (const v of variants) {
    it(v.name, () => {
      const r = checkedRun(v.scenario);
      expect(r.broken).toEqual([]);
      expect(r.sink.trades.some((t) => t.cause === 'risk-limit' || t.cause === 'stop-out' || t.cause === 'hard-stop')).toBe(true);
    });
  }
});

describe('seed 001: the profit-distribution example from trades and prices', () => {
  it('ends at $13,800 / $11,700 / $11,700 / $7,800 in summary.json', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-')), 'run');
    runToDirectory(scenarioPath('seed001-profit-distribution.json'), out);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const eq = Object.fromEntries(s.investors.map((i: { id: string; equity: string }) => [i.id, i.equity]));
    // Pool 15,000 earns 10 × 100,000 × (1.13000 − 1.10000) = 30,000; shares 20/30/30/20 → +6,000/+9,000/+9,000/+6,000;
    // fees 20% of investor profit: 1,800, 1,800, 1,200 (manager exempt).
    expect(eq).toEqual({ manager: '9000.0000000', 'investor-1': '11700.0000000', 'investor-2': '11700.0000000', 'investor-3': '7800.0000000' });
    expect(s.manager.feeAccount).toBe('4800.0000000');
    expect(s.manager.total).toBe('13800.0000000'); // 3,000 + 6,000 + 1,800 + 1,800 + 1,200
    expect(s.policies.performanceFee.hwmReset).toBe('after-fee');
    // What traders hold is the pool alone: 9,000 + 11,700 + 11,700 + 7,800 = 40,200; the 4,800 of fees sit on the manager's fee account, on the broker's side of totals.equity.
    expect(s.totals.tradingEquity).toBe('40200.0000000');
    // Seed 001 has no costs or rebates: the house and the executive hold nothing, so the broker's side is the fee account alone.
    expect(new Dec(s.totals.equity).minus(s.totals.tradingEquity).toString()).toBe('4800');
  });
});

describe('fee statements and the fee account (seed 001)', () => {
  it('states each investor\'s March: opening, deposits, mark, gain, fee, closing, units and NAV', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-')), 'run');
    runToDirectory(scenarioPath('seed001-profit-distribution.json'), out);
    const rows = readFileSync(join(out, 'statements.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const by = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
    // investor-1: 4,500 deposited, mark 4,500, gain 9,000, fee 1,800, closing 11,700 = 3,900 units at NAV 3
    // (4,500 units less the 600 redeemed for the fee); the mark after (after-fee reset) is the closing 11,700.
    expect(by['investor-1']!.slice(2)).toEqual(['2024-03', '2024-03-01T00:05:00', '2024-04-01T00:05:00', '0.0000000', '4500.0000000', '0.0000000', '4500.0000000', '9000.0000000', '0.0000000', '0.0000000', '1800.0000000', '0.0000000', '11700.0000000', '11700.0000000', 'equity', '3900.0000000', '3.0000000000']);
    // the manager's own capital: gain 6,000, no fee, closing 9,000
    expect([by.manager![9], by.manager![12], by.manager![14]]).toEqual(['6000.0000000', '0.0000000', '9000.0000000']);
    const fees = readFileSync(join(out, 'fee-account.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(fees.map((r) => [r[2], r[4], r[5]])).toEqual([['investor-1', '1800.0000000', '1800.0000000'], ['investor-2', '1800.0000000', '3600.0000000'], ['investor-3', '1200.0000000', '4800.0000000']]);
  });
});

describe('seed 000: equity split frozen at open', () => {
  const r = checkedRun(scenarioPath('seed000-equity-split.json'));
  const closes = (ticket: string) => r.sink.trades.filter((t) => t.masterTicket === ticket).map((t) => [t.account, t.volume.toString(), t.profit.toString()]);

  it('splits 0.7 lot into 0.4375 / 0.175 / 0.0862838 / 0.0012162 (tie on the half quantum to the larger account)', () => {
    const opened = new Map<string, Dec>();
    for (const t of r.sink.trades.filter((x) => x.masterTicket === 'T1')) opened.set(t.account, (opened.get(t.account) ?? new Dec(0)).plus(t.volume.value));
    expect([...opened].map(([a, v]) => [a, v.toString()])).toEqual([['mam:a', '0.4375'], ['mam:b', '0.175'], ['mam:c', '0.0862838'], ['mam:d', '0.0012162']]);
    expect(r.sink.events.filter((e) => e.kind === 'allocation-residual' && e.ticket === 'T1').map((e) => e.account)).toEqual(['mam:c']);
  });

  it('closes 0.3 of 0.7 in the original ratio although d deposited in between', () => {
    // 3,000,000 quanta over held 4,375,000 / 1,750,000 / 862,838 / 12,162 (Σ 7,000,000):
    // 1,875,000 r0; 750,000 r0; 369,787 r5,000,000; 5,212 r2,000,000 → one leftover to c.
    // Each closes at 1.09200 from 1.08410: 790 USD per lot.
    expect(closes('T1').slice(0, 4)).toEqual([
      ['mam:a', '0.1875', '148.125'], ['mam:b', '0.075', '59.25'], ['mam:c', '0.0369788', '29.213252'], ['mam:d', '0.0005212', '0.411748'],
    ]);
    // The rest (0.25 / 0.1 / 0.049305 / 0.000695) closes at 1.09500: 1,090 USD per lot.
    expect(closes('T1').slice(4)).toEqual([
      ['mam:a', '0.25', '272.5'], ['mam:b', '0.1', '109'], ['mam:c', '0.049305', '53.74245'], ['mam:d', '0.000695', '0.75755'],
    ]);
  });

  it('splits the second trade by the equities after the deposit, open P&L included', () => {
    // Equities at 2024-03-06 10:00 (EURUSD bid 1.08900: +490 USD per lot on T1):
    //   a 25,000 + 0.4375 × 490 = 25,214.375; b 10,085.75; c 4,930.50 + 42.279062 = 4,972.779062;
    //   d 69.50 + 1,000 + 0.595938 = 1,070.095938; Σ = 41,343.
    // 0.5 lot: 5,000,000 × e / 41,343 → floors 3,049,412 / 1,219,765 / 601,404 / 129,416, remainders
    //   .839 / .136 / .203 / .822 → the two leftovers go to a and d.
    // Profit: short from 150.500, bought back at 149.020, ¥148,000 per lot / mid 149.010, rounded half-up.
    expect(closes('T2')).toEqual([
      ['mam:a', '0.3049413', '302.874387'], ['mam:b', '0.1219765', '121.1497349'], ['mam:c', '0.0601405', '59.7328636'], ['mam:d', '0.0129417', '12.8539803'],
    ]);
  });
});

describe('joint program: signal master, MAM sub-accounts and a PAMM pool', () => {
  const poolValues = (p: Program) => Object.fromEntries(p.investorSnapshots().filter((i) => i.model === 'pamm').map((i) => [i.id, i.equity.value]));
  const r = checkedRun(scenarioPath('joint-program.json'), poolValues);
  const opened = (account: string, ticket: string) => r.sink.trades.concat().filter((t) => t.account === account && t.masterTicket === ticket)
    .reduce((s, t) => s.plus(t.volume.value), new Dec(0)).plus(r.program.openPositions().filter((p) => p.account === account && p.masterTicket === ticket).reduce((s, p) => s.plus(p.volume.value), new Dec(0)));

  it('copies in proportion to equity: carol (5 × the master) trades 5 × every master order', () => {
    // 1.00 × 50,000 / 10,000 = 5 exactly on the first trade; afterwards both earn the same per unit of capital.
    expect(opened('mam:carol', 'M1').toString()).toBe('5');
    for (const t of ['M2', 'M3', 'M4', 'M5', 'M6', 'M7']) {
      const diff = opened('mam:carol', t).minus(opened('master', t).times(5)).abs();
      expect(diff.lte('0.000001'), `${t}: carol ${opened('mam:carol', t)} vs master ${opened('master', t)}`).toBe(true);
    }
  });

  it('copies the open master trades to a MAM investor joining under them, in the master\'s proportions', () => {
    const copied = r.sink.events.filter((e) => e.kind === 'positions-copied' && e.account === 'mam:dave');
    expect(copied.map((e) => e.ticket)).toEqual(['M1', 'M2', 'M3']);
    // Open master volumes then: M1 0.60 (after the 0.40 partial close), M2 0.80, M3 0.30.
    const [m1, m2, m3] = copied.map((e) => e.volume!.value);
    expect(m1!.div(m3!).minus(2).abs().lte('0.000001')).toBe(true);
    expect(m2!.div(m3!).minus(new Dec(8).div(3)).abs().lte('0.000001')).toBe(true);
    // No other investor trades at the join instant (the house may adjust its sub-step residual).
    const joinTime = copied[0]!.time;
    expect(r.sink.trades.filter((t) => t.closeTime === joinTime && t.account !== 'house')).toEqual([]);
  });

  it('executes the PAMM deposit at the next rollover and leaves the other members\' values unchanged', () => {
    const queued = r.sink.events.find((e) => e.kind === 'request-queued' && e.investor === 'p2')!;
    expect(queued.reason).toMatch(/executes at 2024-03-15T00:00:00/);
    const executed = r.sink.events.find((e) => e.kind === 'request-executed' && e.investor === 'p2')!;
    expect(executed.reason).toBe('p2 deposit: requested 2024-03-14T16:20:00, executed 2024-03-15T00:00:00');
    const { before, after } = r.around.get('p2 deposit')! as { before: Record<string, Dec>; after: Record<string, Dec> };
    // The reallocation's spread is paid by p2; the others move by sub-unit rounding only (< NAV × 1e-7 in all).
    for (const id of ['p1', 'p3', 'p4', 'p5']) expect(after[id]!.minus(before[id]!).abs().lte('0.00001'), id).toBe(true);
    expect(after.p2!.minus(before.p2!).minus(3000).lt(0)).toBe(true);
  });

  it('lets a member leave under open trades without moving the others', () => {
    const { before, after } = r.around.get('p5 leave')! as { before: Record<string, Dec>; after: Record<string, Dec> };
    for (const id of ['p1', 'p2', 'p3', 'p4']) expect(after[id]!.minus(before[id]!).abs().lte('0.00001'), id).toBe(true);
  });

  it('reports a tracking error of zero for followers that copy exactly, over their own membership window', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-')), 'run');
    const s = JSON.parse(readFileSync(join(runToDirectory(scenarioPath('joint-program.json'), out).outDir, 'summary.json'), 'utf8'));
    const te = Object.fromEntries(s.investors.map((i: { id: string; trackingError: number }) => [i.id, i.trackingError]));
    // carol holds 5 × the master's equity and trades exactly 5 × its volume: identical return.
    expect(te.carol).toBe(0);
    // alice (left early) and dave (joined under open trades) match the master over their own windows to 1e-4.
    for (const id of ['alice', 'bob', 'dave', 'p1', 'p3']) expect(Math.abs(te[id]), id).toBeLessThan(1e-4);
    // p2's deposit paid the spread of resizing the pool's open positions: a real cost, visible here.
    expect(te.p2).toBeLessThan(-1e-3);
  });

  it('gives an investor without flows a money-weighted return equal to its annualized time-weighted return', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-')), 'run');
    const s = runToDirectory(scenarioPath('joint-program.json'), out).summary;
    const carol = s.investors.find((i) => i.id === 'carol')!.metrics as Record<string, number>;
    expect(Math.abs(carol.moneyWeightedReturn! - carol.annualizedReturn!)).toBeLessThan(1e-6);
    expect(carol.deals).toBe(7); // seven master trades closed while carol was in (M7 is still open)
  });

  it('charges 20% of the gain above the mark at month end, and nothing below it', () => {
    const fee = (id: string) => r.sink.events.filter((e) => e.kind === 'performance-fee' && e.investor === id && e.reason.startsWith('period'))
      .reduce((s, e) => s.plus(e.amount!.value), new Dec(0));
    const inv = new Map(r.program.investorSnapshots().map((i) => [i.id, i]));
    // Investors without flows after joining: gain = (final equity + fee) − first deposit, and fee = 0.2 × gain
    // (half-up to 1e-7; a PAMM member's redeemed units round up, so allow NAV × 1e-7 there).
    for (const [id, deposit, tol] of [['carol', '50000', '0.00000005'], ['p1', '500', '0.00002'], ['p3', '5000', '0.00002']] as const) {
      const f = fee(id);
      const gain = inv.get(id)!.equity.value.plus(f).minus(deposit);
      if (gain.lte(0)) expect(f.isZero(), id).toBe(true);
      else expect(gain.times('0.2').minus(f).abs().lte(tol), `${id}: fee ${f} on gain ${gain}`).toBe(true);
    }
    // Whoever paid no period fee ends at or below its mark.
    for (const i of inv.values()) if (i.active && fee(i.id).isZero()) expect(i.equity.lte(i.mark), i.id).toBe(true);
  });
});

describe('a detached investor is measured over its membership only', () => {
  it('tracks the master exactly up to the detach, whatever its account does afterwards', () => {
    const s = {
      name: 'detach', start: '2024-03-01T00:05:00', end: '2024-03-08T00:00:00', instruments: ['EURUSD'],
      prices: { EURUSD: { ticks: [['2024-03-04T09:00', '1.10000', '1.10000'], ['2024-03-05T09:00', '1.10000', '1.10000'], ['2024-03-06T09:00', '1.12000', '1.12000']] } },
      program: { structure: 'signal', masterDeposit: '10000' },
      policies: { onLeave: 'detach' },
      investors: [{ id: 'a', model: 'mam', deposit: '10000' }],
      flows: [{ at: '2024-03-05T10:00:00', investor: 'a', type: 'leave' }],
      orders: [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'M1', symbol: 'EURUSD', side: 'buy', volume: '1' }, { at: '2024-03-06T10:00:00', action: 'close', ticket: 'M1' }],
    };
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-detach-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify(s));
    const sum = runToDirectory(join(dir, 's.json'), join(dir, 'out')).summary;
    const a = sum.investors.find((i) => i.id === 'a')!;
    // a copied 1 lot flat until it detached; afterwards its kept lot earns 2,000 (+20%) outside the program
    expect([a.detached, a.equity, a.trackingError, a.grossReturn]).toEqual([true, '12000.0000000', 0, 0]);
    expect(sum.master.timeWeightedReturn).toBe(0.2);
  });
});

describe('variants start from the scenario as written, not as validated', () => {
  // The base leaves `allocation` to its default (equity, for its block master); a variant that makes
  // the master a signal master must get a signal master's default (proportional), which it would
  // not if it were laid over the base after validation had filled the base's default in.
  it('a variant switching to a signal master gets the signal default allocation, the base keeps equity', () => {
    const s = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
    delete s.program.allocation;
    s.variants = [{ name: 'signal', program: { structure: 'signal', masterDeposit: '10000' } }];
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-variants-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify(s));
    const v = loadVariants(join(dir, 's.json'));
    expect([v.base.structure, v.base.allocation]).toEqual(['block', 'equity']);
    expect(v.variants.map((x) => [x.name, x.scenario.structure, x.scenario.allocation])).toEqual([['signal', 'signal', 'proportional']]);
  });
});

describe('snapshots of a few accounts or investors come in program order', () => {
  // Rows of an instant are written in the program's order whatever order the touched ids come in;
  // with a few ids among many, the snapshot looks them up rather than walking every investor.
  it('investors and accounts asked for out of order come back in joining order', () => {
    const s = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
    for (let i = 4; i <= 20; i++) s.investors.push({ id: `extra-${i}`, model: 'pamm', deposit: '100' });
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-order-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify(s));
    let p: Program | undefined;
    checkedRun(join(dir, 's.json'), (prog) => (p = prog));
    const ids = (xs: ReadonlyArray<{ id: string }>) => xs.map((x) => x.id);
    expect(ids(p!.investorSnapshots(new Set(['extra-17', 'investor-2', 'extra-5', 'nobody'])))).toEqual(['investor-2', 'extra-5', 'extra-17']);
    const all = ids(p!.accountSnapshots());
    const picked = [all[5]!, all[1]!];
    expect(ids(p!.accountSnapshots(new Set(picked)))).toEqual([all[1], all[5]]);
  });
});
