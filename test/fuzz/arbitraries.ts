// fast-check arbitraries for whole scenarios (issue 12, item 7). fast-check draws a *recipe*:
// plain small choices (which instruments, price moves, order intents that name a quote slot
// and an earlier ticket by index, …); `buildScenario` turns a recipe into a scenario document
// that is valid by construction. Intents point at things by index modulo what exists, so every
// shrink of a recipe (fewer orders, smaller numbers) still builds a valid scenario, and a
// shrunk failure stays a small, readable scenario.
//
// What a valid scenario may still contain on purpose: orders the run rejects (outside market
// hours, a level on the wrong side of the price, a volume off the lot rule, an unknown
// ticket), flows before a join or after a leave, withdrawals above the equity. Those are the
// run's rejection paths, and the invariants must hold through them too.
import fc from 'fast-check';

// ------------------------------------------------------------------ instruments

interface SymbolSpec {
  readonly symbol: string;
  readonly digits: number;
  /** Typical start price, in points (10^-digits). */
  readonly start: number;
  /** One move unit of the price path, in points. */
  readonly step: number;
  /** Lot step and minimum lot in hundredths of a lot. */
  readonly lotStep: number;
  readonly minLot: number;
  readonly cls: string;
  /** A full definition when the symbol is not in the bundled instruments preset. */
  readonly def?: Record<string, unknown>;
  /** The instrument that converts its profit currency to USD, when it is not itself. */
  readonly needs?: string;
}

// Bundled symbols (USD-quoted, USD-based, a cross needing GBPUSD, a CFD index, an energy CFD)
// and two custom definitions: a crypto CFD (minimum lot 10 under the seed000 preset) and a
// EUR-quoted index.
export const SYMBOLS: readonly SymbolSpec[] = [
  { symbol: 'EURUSD', digits: 5, start: 108500, step: 25, lotStep: 1, minLot: 1, cls: 'fx-major' },
  { symbol: 'USDJPY', digits: 3, start: 150000, step: 30, lotStep: 1, minLot: 1, cls: 'fx-major' },
  { symbol: 'XAUUSD', digits: 2, start: 205000, step: 60, lotStep: 1, minLot: 1, cls: 'metal' },
  { symbol: 'US30', digits: 1, start: 390000, step: 150, lotStep: 10, minLot: 10, cls: 'index' },
  { symbol: 'EURGBP', digits: 5, start: 85500, step: 15, lotStep: 1, minLot: 1, cls: 'fx-cross', needs: 'GBPUSD' },
  { symbol: 'GBPUSD', digits: 5, start: 127000, step: 30, lotStep: 1, minLot: 1, cls: 'fx-major' },
  { symbol: 'XTIUSD', digits: 2, start: 7800, step: 8, lotStep: 1, minLot: 1, cls: 'energy' },
  {
    symbol: 'ZECUSD', digits: 2, start: 300000, step: 400, lotStep: 10, minLot: 10, cls: 'crypto',
    def: { symbol: 'ZECUSD', class: 'crypto', base: 'ZEC', quote: 'USD', contractSize: '10', digits: 2, minLot: '0.1', lotStep: '0.1', maxLot: '50', marginMode: 'cfd' },
  },
  {
    symbol: 'DE40', digits: 1, start: 180000, step: 80, lotStep: 10, minLot: 10, cls: 'index', needs: 'EURUSD',
    def: { symbol: 'DE40', class: 'index', base: 'DE40', quote: 'EUR', contractSize: '1', digits: 1, pipSize: '1', minLot: '0.1', lotStep: '0.1', maxLot: '200', marginMode: 'cfd' },
  },
];
const bySymbol = new Map(SYMBOLS.map((s) => [s.symbol, s]));

/** Mondays whose following weeks cross a month end, a quarter end, the year end or a DST change (US or EU). */
const MONDAYS = ['2024-02-26', '2024-03-04', '2024-03-25', '2024-06-24', '2024-10-21', '2023-12-25', '2024-04-29'] as const;

const CLASSES = ['fx-major', 'fx-cross', 'fx-exotic', 'metal', 'index', 'energy', 'stock', 'crypto'] as const;
const SPLIT = ['equity', 'balance', 'percent', 'lot'] as const;
const COPY = ['proportional', 'equity-percent', 'multiplier'] as const;

// ------------------------------------------------------------------ the recipe

const small = (max: number) => fc.integer({ min: 0, max });
/** `a` or undefined (shrinking towards undefined), present `present` times in `present + absent`. */
const maybe = <T>(a: fc.Arbitrary<T>, present = 1, absent = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(undefined), weight: absent }, { arbitrary: a, weight: present });

/** A move of the price path in step units: mostly small, sometimes a spike. */
const move = fc.oneof({ arbitrary: fc.integer({ min: -4, max: 4 }), weight: 20 }, { arbitrary: fc.integer({ min: -60, max: 60 }), weight: 1 });

const seriesArb = fc.record({
  kind: fc.constantFrom('bars', 'bars', 'ticks', 'generate'),
  timeframe: fc.constantFrom('M30', 'H1', 'H1', 'H4'),
  /** Quote slots of a trading day (bars: timeframe units; ticks: quarters of an hour). */
  slots: fc.array(small(95), { minLength: 1, maxLength: 6 }),
  moves: fc.array(move, { minLength: 1, maxLength: 24 }),
  /** A jump at the first quote of every trading week, in step units. */
  weekendGap: fc.integer({ min: -40, max: 40 }),
  /** Quotes on Saturdays and Sundays too (recorded while the market is shut; nothing triggers). */
  weekends: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  spread: small(40),
  /** Bars: every third bar carries its own spread column. */
  ownSpread: fc.boolean(),
  startShift: fc.integer({ min: -20, max: 20 }),
  model: fc.constantFrom('random-walk', 'jump-diffusion', 'regime-switching'),
  days: fc.integer({ min: 2, max: 5 }),
});

const rateArb = fc.oneof(
  fc.record({ perLot: small(1200) }),
  fc.record({ notionalPct: small(10) }),
);
const rebateRateArb = fc.oneof(rateArb, fc.record({ pips: small(20) }));

const investorArb = fc.record({
  pamm: fc.boolean(),
  /** Dollars. */
  deposit: fc.oneof(fc.integer({ min: 50, max: 5_000 }), fc.integer({ min: 5_000, max: 200_000 })),
  cents: small(99),
  join: maybe(fc.record({ day: small(20), minute: small(1439) }), 1, 2),
  manager: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  weight: fc.integer({ min: 1, max: 60 }),
  lots: fc.integer({ min: 1, max: 30 }),
  factor: fc.constantFrom('0.5', '1', '1.5', '2', '3', '0.25'),
  equityPercent: fc.constantFrom('50', '100', '150', '250', '33.3'),
  referral: maybe(small(5)),
  swapFree: fc.boolean(),
  risk: maybe(fc.record({
    maxDrawdownPct: maybe(fc.integer({ min: 2, max: 80 })),
    minBalance: maybe(fc.integer({ min: 10, max: 50_000 })),
    weeklyLossPct: maybe(fc.integer({ min: 2, max: 60 })),
    maxOpenVolume: maybe(fc.integer({ min: 1, max: 300 })),
    leverage: maybe(fc.constantFrom(10, 50, 200, 500)),
  }), 1, 2),
});

const flowArb = fc.record({
  investor: small(9),
  type: fc.constantFrom('deposit', 'deposit', 'withdraw', 'withdraw', 'leave'),
  dollars: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 100_000 })),
  day: small(20),
  minute: small(1439),
});

const orderArb = fc.record({
  action: fc.constantFrom('open', 'open', 'open', 'open', 'place', 'place', 'close', 'close', 'close', 'modify', 'cancel'),
  sym: small(7),
  slot: fc.nat(),
  /** At a quote (the common case), in the middle of a bar, or any time at all (weekends included). */
  when: fc.constantFrom('quote', 'quote', 'quote', 'quote', 'quote', 'quote', 'mid', 'anytime'),
  day: small(20),
  minute: small(1439),
  side: fc.constantFrom('buy', 'sell'),
  /** Extra lot steps above the minimum lot. */
  steps: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 200 })),
  /** A volume off the lot rule (below the minimum, off the step), rarely. */
  offLot: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  sl: maybe(fc.integer({ min: 1, max: 40 })),
  tp: maybe(fc.integer({ min: 1, max: 40 })),
  /** Put a level on the wrong side of the price, rarely. */
  wrong: fc.integer({ min: 0, max: 14 }).map((n) => n === 0),
  type: small(3),
  dist: fc.integer({ min: 1, max: 30 }),
  target: fc.nat(),
  partial: maybe(fc.integer({ min: 1, max: 10 })),
  clearSl: fc.boolean(),
  override: maybe(fc.record({ who: small(9), steps: fc.integer({ min: 1, max: 20 }) }), 1, 5),
  /** Reuse an earlier ticket on an open, rarely (rejected: already used). */
  reuse: fc.integer({ min: 0, max: 24 }).map((n) => n === 0),
});

const partnerArb = fc.record({
  parent: maybe(fc.nat()),
  programShare: maybe(small(100)),
  /** Partner fee share, in hundredths (0–99%). */
  feeShare: maybe(small(99)),
  cashback: maybe(fc.record({
    rate: small(100),
    perClient: fc.array(fc.record({ client: small(3), rate: small(100) }), { maxLength: 2 }),
    changes: fc.array(fc.record({ day: small(20), minute: small(1439), action: fc.constantFrom('change', 'suspend', 'resume', 'cancel'), client: maybe(small(3)), rate: small(100) }), { maxLength: 3 }),
  })),
});

const clientArb = fc.record({
  dollars: fc.integer({ min: 100, max: 100_000 }),
  referral: maybe(small(5)),
  swapFree: fc.boolean(),
  trades: fc.array(fc.record({ sym: small(7), side: fc.constantFrom('buy', 'sell'), steps: small(50), open: fc.nat(), hold: maybe(fc.integer({ min: 1, max: 40 })) }), { maxLength: 4 }),
});

const stressArb = fc.record({
  type: fc.constantFrom('gap', 'gap', 'flash-crash', 'spread', 'slippage'),
  sym: small(7),
  weekends: fc.boolean(),
  slot: fc.nat(),
  span: fc.integer({ min: 1, max: 48 }),
  byPoints: fc.boolean(),
  lo: fc.integer({ min: -30, max: 30 }),
  width: small(30),
  ranged: fc.boolean(),
  depth: fc.integer({ min: 1, max: 40 }),
  minutes: fc.integer({ min: 1, max: 600 }),
  recover: maybe(small(100)),
});

export const recipeArb = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  monday: small(MONDAYS.length - 1),
  lead: small(3),
  startMinute: fc.constantFrom(0, 5, 570),
  days: fc.integer({ min: 3, max: 15 }),
  athens: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  /** A trading week other than seed 001's, now and then. */
  week: fc.constantFrom(undefined, undefined, undefined, { open: 'Mon 00:00', close: 'Fri 22:00' }, { open: 'Mon 01:00', close: 'Fri 23:59' }),
  precision: fc.constantFrom('0.0000001', '0.0000001', '0.0000001', '0.0001', '0.01'),
  symbols: fc.uniqueArray(small(SYMBOLS.length - 1), { minLength: 1, maxLength: 3 }),
  series: fc.array(seriesArb, { minLength: 4, maxLength: 4 }),
  block: fc.boolean(),
  method: small(3),
  masterDollars: fc.oneof(fc.integer({ min: 1_000, max: 20_000 }), fc.integer({ min: 1_000, max: 500_000 })),
  performancePct: fc.constantFrom(0, 10, 20, 20, 25, 30, 50),
  pool: maybe(fc.record({ id: fc.constantFrom('pamm', 'pool'), nav: fc.constantFrom('1', '100', '0.5', '10'), weight: fc.integer({ min: 1, max: 60 }), lots: fc.integer({ min: 1, max: 30 }), factor: fc.constantFrom('0.5', '1', '2'), equityPercent: fc.constantFrom('50', '100', '200') }), 2, 1),
  preset: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  maxOrders: maybe(fc.integer({ min: 1, max: 6 }), 1, 5),
  management: maybe(fc.record({ pct: fc.integer({ min: 1, max: 5 }), balance: fc.boolean() })),
  entryPct: maybe(fc.integer({ min: 1, max: 3 }), 1, 4),
  subscription: maybe(fc.integer({ min: 1, max: 50 }), 1, 4),
  volumeFee: maybe(fc.record({ perLot: small(5), perMillion: small(30) }), 1, 4),
  termChanges: fc.array(fc.record({ day: small(20), minute: small(1439), performancePct: maybe(fc.constantFrom(0, 10, 30, 40)), managementPct: maybe(fc.integer({ min: 0, max: 4 })) }), { maxLength: 2 }),
  terms: maybe(fc.record({ minimumInvestment: small(500), minimumMam: maybe(small(5_000)), managerMinimum: small(2_000) }), 1, 2),
  policies: fc.record({
    residualRule: maybe(fc.constantFrom('largest-remainder', 'largest-account-first', 'list-order')),
    conversionSide: maybe(fc.constantFrom('mid', 'bid-profit-ask-loss')),
    roundingMode: maybe(fc.constantFrom('fractional', 'lot-step')),
    belowMinLot: maybe(fc.constantFrom('skip', 'force-min')),
    intrabar: maybe(fc.constantFrom('worst-first', 'open-high-low-close')),
    sameBarStops: maybe(fc.constantFrom('stop-loss-first', 'path-order')),
    onLeave: maybe(fc.constantFrom('close', 'detach')),
    pammDeposit: maybe(fc.constantFrom('reallocate', 'no-action')),
    pammFlows: maybe(fc.constantFrom('rollover', 'instant')),
    openBlocks: maybe(fc.constantFrom('frozen', 're-split')),
    negativeBalance: maybe(fc.constantFrom('protect', 'carry')),
    termChanges: maybe(fc.constantFrom('new-members-only', 'all-members')),
    commissionSide: maybe(fc.constantFrom('per-side', 'round-turn')),
    rebateTiming: maybe(fc.constantFrom('half-open-half-close', 'on-close')),
    hedgedMargin: maybe(fc.constantFrom('none', 'half-hedged', 'larger-leg', 'per-leg')),
    hedgedMarginPct: maybe(fc.constantFrom('0', '20', '50', '100')),
    marginPrice: maybe(fc.constantFrom('current', 'open')),
    limitBreach: maybe(fc.constantFrom('detach', 'pause-until-next-period')),
    riskTrigger: maybe(fc.constantFrom('at-or-below', 'below')),
    copyRatio: maybe(fc.constantFrom('exact', 'signal-marketplace')),
    performanceFee: maybe(fc.record({
      period: maybe(fc.constantFrom('daily', 'daily', 'weekly', 'weekly', 'monthly', 'quarterly', 'annual'), 3, 1),
      hwmBasis: maybe(fc.constantFrom('equity', 'cumulative-profit')),
      hwmReset: maybe(fc.constantFrom('after-fee', 'before-fee')),
      floatingPnl: maybe(fc.constantFrom('all', 'losses-only', 'none')),
      partialWithdrawal: maybe(fc.constantFrom('pro-rata', 'crystallize-all', 'reduce-mark')),
      hurdle: maybe(fc.constantFrom('none', 'hard', 'soft')),
      hurdleRate: maybe(fc.constantFrom('0', '0.05', '0.12', '2')),
      hurdleDayCount: maybe(fc.constantFrom('act/365', 'act/act', 'per-period')),
    }), 3, 1),
    metrics: maybe(fc.record({
      annualize: maybe(fc.constantFrom('year-or-longer', 'always')),
      ratioFrequency: maybe(fc.constantFrom('daily', 'weekly', 'monthly')),
      targetReturn: maybe(fc.constantFrom('0', '0.05', '-0.5')),
    })),
    managementFee: maybe(fc.record({
      period: maybe(fc.constantFrom('monthly', 'quarterly')),
      dayCount: maybe(fc.constantFrom('act/365', '1/12-per-month', '1/260-per-trading-day')),
    })),
  }),
  investors: fc.array(investorArb, { maxLength: 6, size: 'medium' }),
  flows: fc.array(flowArb, { maxLength: 8, size: 'medium' }),
  orders: fc.array(orderArb, { maxLength: 24, size: 'medium' }),
  costs: maybe(fc.record({
    commission: maybe(fc.oneof(fc.constant('seed000' as const), fc.record({ default: maybe(rateArb), byClass: fc.array(fc.tuple(small(CLASSES.length - 1), rateArb), { maxLength: 2 }) }))),
    swaps: fc.array(fc.record({ sym: small(7), mode: fc.constantFrom('points', 'money', 'annual-interest'), long: fc.integer({ min: -300, max: 100 }), short: fc.integer({ min: -300, max: 100 }), triple: maybe(small(4)) }), { maxLength: 3 }),
    swapFree: maybe(fc.boolean()),
  }), 2, 1),
  rebates: maybe(fc.record({
    plan: fc.oneof(fc.constant('seed000' as const), fc.record({ default: maybe(rebateRateArb), byClass: fc.array(fc.tuple(small(CLASSES.length - 1), rebateRateArb), { maxLength: 2 }) })),
    partners: fc.array(partnerArb, { maxLength: 4 }),
    tiers: maybe(fc.oneof(
      fc.record({ additive: fc.array(fc.record({ default: maybe(rebateRateArb), byClass: fc.array(fc.tuple(small(CLASSES.length - 1), rebateRateArb), { maxLength: 1 }) }), { minLength: 1, maxLength: 3 }) }),
      fc.record({ shares: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 3 }) }),
    )),
  })),
  clients: fc.array(clientArb, { maxLength: 3 }),
  risk: maybe(fc.record({
    leverage: fc.oneof(fc.constantFrom(1, 10, 30, 100, 500), fc.record({ default: fc.constantFrom(50, 100, 200), byClass: fc.array(fc.tuple(small(CLASSES.length - 1), fc.constantFrom(5, 20, 50)), { maxLength: 2 }) })),
    fromPreset: fc.boolean(),
    marginCall: fc.integer({ min: 30, max: 200 }),
    stopOutShare: fc.integer({ min: 1, max: 100 }),
    weeklyLoss: fc.integer({ min: 3, max: 60 }),
    dailyLoss: maybe(fc.integer({ min: 2, max: 40 })),
    maxLeverage: maybe(fc.integer({ min: 1, max: 50 })),
    master: maybe(fc.record({
      hardStopEquity: maybe(fc.integer({ min: 100, max: 50_000 })),
      hardStopDrawdownPct: maybe(fc.integer({ min: 5, max: 90 })),
      maxOrderVolume: maybe(fc.integer({ min: 1, max: 500 })),
      maxOpenVolume: maybe(fc.integer({ min: 1, max: 1_000 })),
    })),
  })),
  stress: fc.array(stressArb, { maxLength: 3 }),
  /** Tiered performance fee: by invested amount or profit band; bands as (gap to the previous `from` in dollars, rate in %). */
  feeTiers: maybe(fc.record({ invested: fc.boolean(), first: fc.integer({ min: 0, max: 60 }), more: fc.array(fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 0, max: 60 })), { maxLength: 3 }) }), 3, 1),
  /** Account currencies (DOMAIN §1): indices into the currencies the drawn instruments can convert (USD first). */
  currencies: maybe(fc.record({ program: small(3), pool: small(3), accounts: fc.array(small(3), { maxLength: 12 }) }), 2, 1),
});

export type Recipe = typeof recipeArb extends fc.Arbitrary<infer T> ? T : never;
type Series = Recipe['series'][number];

// ------------------------------------------------------------------ building a scenario

const MINUTE = 60_000;
const DAY = 86_400_000;
const TF_MINUTES: Record<string, number> = { M30: 30, H1: 60, H4: 240 };

/** Server wall time as the scenario writes it. */
const stamp = (t: number): string => new Date(t).toISOString().slice(0, 19);
/** An integer count of 10^-dp as a decimal string with exactly dp decimals. */
function fixed(n: number, dp: number): string {
  const neg = n < 0;
  const s = String(Math.abs(Math.round(n))).padStart(dp + 1, '0');
  const text = dp === 0 ? s : `${s.slice(0, s.length - dp)}.${s.slice(s.length - dp)}`;
  return neg ? `-${text}` : text;
}
const lots = (hundredths: number): string => fixed(hundredths, 2);
const dollars = (d: number, cents = 0): string => fixed(d * 100 + cents, 2);
const weekday = (t: number): number => new Date(t).getUTCDay();
const isWeekend = (t: number): boolean => weekday(t) === 0 || weekday(t) === 6;

/** One quote as the builder knows it: the bid and ask in points at a time (a bar's open for bars). */
interface Quote { readonly time: number; readonly bid: number; readonly ask: number }

interface BuiltSeries {
  readonly source: Record<string, unknown>;
  /** Quotes whose price the builder knows, for levels of orders placed at them. */
  readonly quotes: Quote[];
  /** Times an order may be placed at: the known quotes, or hours of a generated series. */
  readonly slots: number[];
  /** Half a bar (or a quarter hour for ticks): where a "mid" order goes. */
  readonly half: number;
}

/** A price path of inline ticks or bars with weekend gaps and spikes, or a seeded `generate` source. */
function buildSeries(spec: SymbolSpec, r: Series, start: number, end: number): BuiltSeries {
  const first = Math.floor(start / DAY) * DAY;
  const floor = Math.max(1, Math.round(spec.start / 4));
  const startPrice = spec.start + r.startShift * spec.step;
  if (r.kind === 'generate') {
    const monday = first + ((8 - weekday(first)) % 7) * DAY;
    const from = Math.min(monday, end - DAY);
    const to = from + r.days * DAY;
    const generate: Record<string, unknown> = { from: stamp(from), to: stamp(to), timeframe: r.timeframe === 'M30' ? 'H1' : r.timeframe, start: fixed(startPrice, spec.digits), spread: r.spread };
    // Regime switching takes its volatility and drift from each regime; the other models from the top level.
    if (r.model === 'regime-switching') Object.assign(generate, { model: r.model, regimes: [{ volatility: spec.step, meanBars: 10 }, { volatility: spec.step * 4, drift: fixed(-spec.step * 20, 2), meanBars: 4 }] });
    else Object.assign(generate, { volatility: spec.step, drift: r.startShift % 3 });
    if (r.model === 'jump-diffusion') Object.assign(generate, { model: r.model, jumps: { perDay: 2, mean: fixed(r.weekendGap * spec.step * 25, 2), sd: spec.step * 3 } });
    const slots: number[] = [];
    for (let t = from; t < to; t += 3 * 60 * MINUTE) if (!isWeekend(t)) slots.push(t + 7 * MINUTE);
    return { source: { generate }, quotes: [], slots, half: 30 * MINUTE };
  }
  const ticks = r.kind === 'ticks';
  const unit = ticks ? 15 : TF_MINUTES[r.timeframe]!;
  const perDay = 1440 / unit;
  const daySlots = [...new Set(r.slots.map((s) => s % perDay))].sort((a, b) => a - b);
  const times: number[] = [];
  for (let day = first; day <= end; day += DAY) {
    if (isWeekend(day) && !r.weekends) continue;
    for (const s of daySlots) {
      const t = day + s * unit * MINUTE;
      if (t >= first && t <= end) times.push(t);
    }
  }
  if (times.length === 0) times.push(first + 10 * 60 * MINUTE);
  const m = (i: number): number => r.moves[i % r.moves.length]!;
  let price = startPrice;
  let week = -1;
  const rows: unknown[] = [];
  const quotes: Quote[] = [];
  const clamp = (p: number): number => (p < floor ? floor + (floor - p) : p);
  times.forEach((t, i) => {
    const w = Math.floor((t + 3 * DAY) / (7 * DAY)); // weeks start on Monday (1970-01-05 was one)
    if (week !== -1 && w !== week) price = clamp(price + r.weekendGap * spec.step);
    week = w;
    const spread = ticks ? r.spread : r.ownSpread && i % 3 === 0 ? (r.spread * 2) % 41 : r.spread;
    if (ticks) {
      price = clamp(price + m(i) * spec.step);
      rows.push([stamp(t), fixed(price, spec.digits), fixed(price + spread, spec.digits)]);
      quotes.push({ time: t, bid: price, ask: price + spread });
      return;
    }
    const open = price;
    const close = clamp(open + m(i) * spec.step);
    const high = Math.max(open, close) + Math.abs(m(i * 3 + 1)) * Math.ceil(spec.step / 2);
    const low = Math.max(1, Math.min(open, close) - Math.abs(m(i * 3 + 2)) * Math.ceil(spec.step / 2));
    const row: unknown[] = [stamp(t), fixed(open, spec.digits), fixed(high, spec.digits), fixed(low, spec.digits), fixed(close, spec.digits)];
    if (r.ownSpread && i % 3 === 0) row.push(spread);
    rows.push(row);
    quotes.push({ time: t, bid: open, ask: open + spread });
    price = close;
  });
  const source = ticks ? { ticks: rows } : { bars: rows, timeframe: r.timeframe, spread: r.spread };
  return { source, quotes, slots: times, half: (unit * MINUTE) / 2 };
}

/** The last known quote at or before t (the series' first when none is). */
function quoteAt(s: BuiltSeries, t: number, fallback: number): Quote {
  let q: Quote | undefined;
  for (const x of s.quotes) if (x.time <= t) q = x;
  return q ?? s.quotes[0] ?? { time: t, bid: fallback, ask: fallback };
}

/** Builds the scenario document a recipe describes; valid by construction (the fuzz test fails on any InputError). */
export function buildScenario(r: Recipe): Record<string, unknown> {
  const monday = Date.parse(`${MONDAYS[r.monday]}T00:00:00Z`);
  const start = monday - r.lead * DAY + r.startMinute * MINUTE;
  const end = start + r.days * DAY;
  /** A time `day` days (modulo what is left of the run) and `minute` minutes after `from`, at most the end. */
  const after = (from: number, day: number, minute: number): number => Math.min(end, from + (day % (Math.floor((end - from) / DAY) + 1)) * DAY + minute * MINUTE);
  const within = (day: number, minute: number): number => after(start, day, minute);
  const clampTime = (t: number): number => Math.max(start, Math.min(end, t));

  // Instruments, with the one that converts a profit currency added when needed.
  const symbols: SymbolSpec[] = [];
  const add = (s: SymbolSpec): void => {
    if (symbols.includes(s)) return;
    symbols.push(s);
    if (s.needs) add(bySymbol.get(s.needs)!);
  };
  for (const i of r.symbols) add(SYMBOLS[i]!);
  const presetMin = (s: SymbolSpec): number => (s.cls === 'crypto' || s.cls === 'stock' ? 1000 : 10);
  const minLot = (s: SymbolSpec): number => (r.preset ? presetMin(s) : s.minLot);
  const series = new Map(symbols.map((s, i) => [s.symbol, buildSeries(s, r.series[i % r.series.length]!, start, end)]));
  const sym = (i: number): SymbolSpec => symbols[i % symbols.length]!;
  /** The largest lot step of the scenario's instruments: a volume on it is on every instrument's step. */
  const commonStep = Math.max(...symbols.map((s) => s.lotStep));

  const doc: Record<string, unknown> = {
    name: 'fuzz',
    description: 'Generated by test/fuzz/arbitraries.ts.',
    seed: r.seed,
    start: stamp(start),
    end: stamp(end),
    instruments: symbols.map((s) => s.def ?? s.symbol),
    prices: Object.fromEntries(symbols.map((s) => [s.symbol, series.get(s.symbol)!.source])),
  };
  if (r.precision !== '0.0000001') doc.precision = r.precision;
  if (r.athens) doc.serverTime = 'Europe/Athens';
  if (r.week) doc.tradingWeek = r.week;

  // Program
  const structure = r.block ? 'block' : 'signal';
  let allocation: string = r.block ? SPLIT[r.method % SPLIT.length]! : COPY[r.method % COPY.length]!;
  const pool = r.pool;
  const investors = r.investors.map((inv, i) => ({ ...inv, id: `i${i}`, pamm: inv.pamm && pool !== undefined }));
  const mam = investors.filter((i) => !i.pamm);
  const joinAt = new Map(investors.map((inv) => [inv.id, inv.join ? within(inv.join.day, inv.join.minute) : start]));
  // The percent method needs followers whose percentages sum to 100: with none the scenario is refused (bad-input case 375).
  if (allocation === 'percent' && mam.length === 0 && !pool) allocation = 'equity';
  const program: Record<string, unknown> = { structure, allocation, performanceFee: fixed(r.performancePct, 2) };
  if (!r.block) program.masterDeposit = dollars(r.masterDollars);
  /** What the allocation method needs of one follower (none for equity, balance and proportional). */
  const termsOf = (lotCount: number, factor: string, equityPercent: string, percent?: string): Record<string, string> | undefined => {
    if (allocation === 'percent') return { percent: percent! };
    if (allocation === 'lot') return { lots: lots(lotCount * commonStep) };
    if (allocation === 'multiplier') return { multiplier: factor };
    if (allocation === 'equity-percent') return { equityPercent };
    return undefined;
  };
  // Percentages summing to exactly 100: hundredths of a percent split by weight, the rest to the first holder.
  const holders = [...mam.map((m) => m.weight), ...(pool ? [pool.weight] : [])];
  const totalWeight = holders.reduce((a, b) => a + b, 0);
  const shares = holders.map((w) => Math.max(1, Math.floor((w * 10_000) / totalWeight)));
  if (shares.length) {
    shares[0]! += 10_000 - shares.reduce((a, b) => a + b, 0);
    // The first may have gone to zero or below when every other share was lifted to 0.01%: move hundredths back.
    for (let k = 1; shares[0]! < 1 && k < shares.length; k++) {
      const give = Math.min(shares[k]! - 1, 1 - shares[0]!);
      shares[k]! -= give;
      shares[0]! += give;
    }
  }
  const percentOf = (k: number): string => fixed(shares[k]!, 2);
  if (pool) {
    const pamm: Record<string, unknown> = { id: pool.id, initialNav: pool.nav };
    const t = termsOf(pool.lots, pool.factor, pool.equityPercent, shares.length ? percentOf(mam.length) : undefined);
    if (t) pamm.allocation = t;
    program.pamm = pamm;
  }
  if (r.preset) program.preset = 'seed000';
  if (r.maxOrders !== undefined) program.maxOrders = r.maxOrders;
  if (r.management) program.managementFee = { rate: fixed(r.management.pct, 2), ...(r.management.balance ? { basis: 'balance' } : {}) };
  if (r.entryPct !== undefined) program.entryFee = fixed(r.entryPct, 2);
  if (r.subscription !== undefined) program.subscriptionFee = dollars(r.subscription);
  if (r.volumeFee) program.volumeFee = { perLot: dollars(r.volumeFee.perLot), perMillion: dollars(r.volumeFee.perMillion) };
  const changes = r.termChanges
    .map((c) => ({ at: stamp(within(c.day, c.minute)), ...(c.performancePct !== undefined ? { performanceFee: fixed(c.performancePct, 2) } : {}), ...(c.managementPct !== undefined && r.management ? { managementFee: fixed(c.managementPct, 2) } : {}) }))
    .filter((c) => Object.keys(c).length > 1);
  if (r.feeTiers) {
    // Tiers replace the flat rate (which must then be 0) and flat term changes of it.
    let from = 0;
    program.performanceFee = '0';
    program.performanceFeeTiers = {
      basis: r.feeTiers.invested ? 'invested' : 'profit',
      tiers: [{ from: '0', rate: fixed(r.feeTiers.first, 2) }, ...r.feeTiers.more.map(([gap, pct]) => ({ from: dollars((from += gap)), rate: fixed(pct, 2) }))],
    };
    for (const c of changes) delete (c as { performanceFee?: string }).performanceFee;
  }
  const kept = changes.filter((c) => Object.keys(c).length > 1);
  if (kept.length) program.termChanges = kept;
  if (r.terms) {
    const managerMinimum = r.block ? r.terms.managerMinimum : Math.min(r.terms.managerMinimum, r.masterDollars);
    program.terms = { minimumInvestment: dollars(r.terms.minimumInvestment), minimumMamInvestment: r.terms.minimumMam === undefined ? 'floating' : dollars(r.terms.minimumMam), managerMinimum: dollars(managerMinimum) };
  }
  doc.program = program;

  // Policies: each one present only when drawn, so defaults are exercised too.
  const policies: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.policies)) {
    if (v === undefined) continue;
    if (typeof v === 'object') {
      const o = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
      if (Object.keys(o).length) policies[k] = o;
    } else policies[k] = v;
  }
  // A hurdle needs its rate (the scenario refuses one without): drawn without, it gets 5%.
  const pf = policies.performanceFee as Record<string, unknown> | undefined;
  if (pf && pf.hurdle !== undefined && pf.hurdle !== 'none' && pf.hurdleRate === undefined) pf.hurdleRate = '0.05';
  if (Object.keys(policies).length) doc.policies = policies;

  // Rebate partners first: investors and clients are referred by them.
  const partnerIds = r.rebates ? r.rebates.partners.map((_, i) => `ib${i}`) : [];
  const referrer = (n: number | undefined): string | undefined => (n === undefined ? undefined : n < partnerIds.length ? partnerIds[n] : n % 2 === 0 ? 'manager' : undefined);

  // Investors
  let managerTaken = false;
  doc.investors = investors.map((inv) => {
    const o: Record<string, unknown> = { id: inv.id, model: inv.pamm ? 'pamm' : 'mam', deposit: dollars(inv.deposit, inv.cents) };
    if (inv.join) o.at = stamp(joinAt.get(inv.id)!);
    if (inv.manager && !managerTaken) {
      o.manager = true;
      managerTaken = true;
    }
    if (!inv.pamm) {
      const t = termsOf(inv.lots, inv.factor, inv.equityPercent, shares.length ? percentOf(mam.indexOf(inv)) : undefined);
      if (t) o.allocation = t;
    }
    const ref = referrer(inv.referral);
    if (ref) o.referredBy = ref;
    if (inv.swapFree) o.swapFree = true;
    if (inv.risk && r.risk && !inv.pamm) {
      const l = inv.risk;
      const risk: Record<string, unknown> = {};
      if (l.maxDrawdownPct !== undefined) risk.maxDrawdownPct = l.maxDrawdownPct;
      if (l.minBalance !== undefined) risk.minBalance = dollars(l.minBalance);
      if (l.weeklyLossPct !== undefined) risk.weeklyLossPct = l.weeklyLossPct;
      if (l.maxOpenVolume !== undefined) risk.maxOpenVolume = lots(l.maxOpenVolume);
      if (l.leverage !== undefined) risk.leverage = l.leverage;
      o.risk = risk;
    }
    return o;
  });

  // Flows (deposits, withdrawals, leaves) of declared investors; requests before the join are rejected by the run.
  // Most flows come after their investor's join request; one in six at any time (a request before the join is rejected).
  doc.flows = investors.length === 0 ? [] : r.flows.map((f) => {
    const id = investors[f.investor % investors.length]!.id;
    const at = f.minute % 6 === 0 ? within(f.day, f.minute) : after(joinAt.get(id)!, f.day, f.minute);
    const o: Record<string, unknown> = { at: stamp(at), investor: id, type: f.type };
    if (f.type !== 'leave') o.amount = dollars(f.dollars);
    return o;
  });

  // Master orders, in time order, each referring to tickets that exist by then.
  // Overrides mostly name founding followers (one named before it joins is rejected by the run).
  const founders = [...mam.filter((m) => !m.join).map((m) => m.id), ...(pool ? [pool.id] : [])];
  const everyone = [...mam.map((m) => m.id), ...(pool ? [pool.id] : [])];
  const lotMethod = allocation === 'lot';
  const resolved = r.orders.map((o, k) => {
    const s = sym(o.sym);
    const ser = series.get(s.symbol)!;
    const slot = ser.slots.length ? ser.slots[o.slot % ser.slots.length]! : start;
    // Five minutes after a quote: its price still holds (the next quote or bar extreme is later) and a Monday 00:00 quote is then inside the trading week.
    const at = o.when === 'anytime' ? within(o.day, o.minute) : clampTime(o.when === 'mid' ? slot + ser.half : slot + 5 * MINUTE);
    return { o, k, at };
  }).sort((a, b) => a.at - b.at || a.k - b.k);
  const tickets: Array<{ id: string; sym: SymbolSpec; side: string; pending: boolean }> = [];
  const orders: unknown[] = [];
  for (const { o, at } of resolved) {
    const s = sym(o.sym);
    const q = quoteAt(series.get(s.symbol)!, at, s.start);
    const px = (points: number): string => fixed(Math.max(1, points), s.digits);
    const d = (n: number): number => n * s.step + (q.ask - q.bid);
    // Off the lot rule: off the step where the step is coarser than the quantum allows, else above the maximum lot.
    const volume = (): string => (o.offLot ? (s.lotStep > 1 ? lots(minLot(s) + o.steps * s.lotStep + 1) : '150') : lots(minLot(s) + o.steps * s.lotStep));
    /** Stop-loss and take-profit around an entry: below and above for a buy (the other way round for a sell, or when `wrong`). */
    const levels = (side: string, entry: number): Record<string, string> => {
      const sign = (side === 'buy' ? 1 : -1) * (o.wrong ? -1 : 1);
      const out: Record<string, string> = {};
      if (o.sl !== undefined) out.sl = px(entry - sign * d(o.sl));
      if (o.tp !== undefined) out.tp = px(entry + sign * d(o.tp));
      return out;
    };
    const override = (): Record<string, unknown> => {
      const followers = o.override && o.override.who % 4 !== 0 && founders.length ? founders : everyone;
      if (!o.override || followers.length === 0) return {};
      return { overrides: { [followers[o.override.who % followers.length]!]: lots(o.override.steps * s.lotStep) } };
    };
    const earlier = tickets.filter((t) => t.sym === s || o.target % 3 !== 0);
    const target = earlier.length ? earlier[o.target % earlier.length]! : undefined;
    const base = { at: stamp(at) };
    // A close, modify or cancel with nothing to act on yet opens instead, but for a few kept as the unknown-ticket path.
    const action = target || o.action === 'open' || o.action === 'place' || o.reuse ? o.action : o.type === 0 ? 'place' : 'open';
    if (action === 'open' || action === 'place') {
      const id = o.reuse && tickets.length ? tickets[o.target % tickets.length]!.id : `T${tickets.length + 1}`;
      if (action === 'open') {
        const entry = o.side === 'buy' ? q.bid : q.ask;
        orders.push({ ...base, action: 'open', ticket: id, symbol: s.symbol, side: o.side, ...(lotMethod ? {} : { volume: volume() }), ...levels(o.side, entry), ...override() });
      } else {
        const type = (['buy-limit', 'sell-limit', 'buy-stop', 'sell-stop'] as const)[o.type]!;
        const buy = type.startsWith('buy');
        const above = type === 'sell-limit' || type === 'buy-stop';
        const ref = buy ? q.ask : q.bid;
        const entry = ref + (above !== o.wrong ? 1 : -1) * d(o.dist);
        orders.push({ ...base, action: 'place', ticket: id, symbol: s.symbol, type, price: px(entry), ...(lotMethod ? {} : { volume: volume() }), ...levels(buy ? 'buy' : 'sell', entry), ...override() });
      }
      // A reused ticket now names this order for the scenario's checks (its symbol's digits), though the run rejects it.
      const side = action === 'open' ? o.side : o.type % 2 === 0 ? 'buy' : 'sell';
      const entry = { id, sym: s, side, pending: action === 'place' };
      const at = tickets.findIndex((t) => t.id === id);
      if (at === -1) tickets.push(entry);
      else tickets[at] = entry;
      continue;
    }
    const ticket = target?.id ?? `X${orders.length + 1}`;
    const ts = target?.sym ?? s;
    const tq = quoteAt(series.get(ts.symbol)!, at, ts.start);
    if (action === 'close') {
      orders.push({ ...base, action: 'close', ticket, ...(o.partial !== undefined ? { volume: lots(o.partial * ts.lotStep) } : {}) });
    } else if (action === 'cancel') {
      orders.push({ ...base, action: 'cancel', ticket });
    } else {
      const tpx = (points: number): string => fixed(Math.max(1, points), ts.digits);
      const td = (n: number): number => n * ts.step + (tq.ask - tq.bid);
      // Levels around the current price on the target's own side (the wrong side when `wrong`); a pending order's new entry where its type wants it.
      const side = target?.side ?? o.side;
      const sign = (side === 'buy' ? 1 : -1) * (o.wrong ? -1 : 1);
      const ref = side === 'buy' ? tq.bid : tq.ask;
      const change: Record<string, unknown> = {};
      if (target?.pending && o.type % 2 === 0) change.price = tpx((side === 'buy' ? tq.ask : tq.bid) + (o.wrong ? 1 : -1) * td(o.dist));
      if (o.sl !== undefined) change.sl = o.clearSl ? null : tpx(ref - sign * td(o.sl));
      if (o.tp !== undefined) change.tp = tpx(ref + sign * td(o.tp));
      if (Object.keys(change).length === 0) change.tp = null;
      orders.push({ ...base, action: 'modify', ticket, ...change });
    }
  }
  doc.orders = orders;

  // Costs
  if (r.costs) {
    const c = r.costs;
    const costs: Record<string, unknown> = {};
    if (c.commission === 'seed000') costs.commission = 'seed000';
    else if (c.commission) costs.commission = schedule(c.commission, false);
    const swaps: Record<string, unknown> = {};
    for (const sw of c.swaps) {
      const s = sym(sw.sym);
      swaps[s.symbol] = { mode: sw.mode, long: fixed(sw.long, 1), short: fixed(sw.short, 1), ...(sw.triple !== undefined ? { tripleDay: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'][sw.triple] } : {}) };
    }
    if (Object.keys(swaps).length) costs.swaps = swaps;
    if (c.swapFree !== undefined) costs.swapFree = c.swapFree;
    doc.costs = costs;
  }

  // Self-trading clients, with tickets of their own.
  const clientIds = r.clients.map((_, i) => `c${i}`);
  if (r.clients.length) {
    doc.clients = r.clients.map((c, i) => {
      const trades = c.trades.map((t, j) => {
        const s = sym(t.sym);
        const ser = series.get(s.symbol)!;
        const open = (ser.slots.length ? ser.slots[t.open % ser.slots.length]! : start) + 5 * MINUTE;
        const close = t.hold === undefined ? undefined : Math.min(end, open + t.hold * 3 * 60 * MINUTE);
        return { ticket: `c${i}-${j + 1}`, symbol: s.symbol, side: t.side, volume: lots(minLot(s) + t.steps * s.lotStep), open: stamp(clampTime(open)), ...(close !== undefined && close > clampTime(open) ? { close: stamp(close) } : {}) };
      });
      const ref = referrer(c.referral);
      return { id: clientIds[i], deposit: dollars(c.dollars), ...(ref ? { referredBy: ref } : {}), ...(c.swapFree ? { swapFree: true } : {}), ...(trades.length ? { trades } : {}) };
    });
  }

  // Rebates: partners in a tree (a parent is always an earlier partner), cashback to their own clients.
  if (r.rebates) {
    const rb = r.rebates;
    const clientsOf = (partner: string): string[] => r.clients.flatMap((c, i) => (referrer(c.referral) === partner ? [clientIds[i]!] : []));
    const partners = rb.partners.map((p, i) => {
      const id = partnerIds[i]!;
      const o: Record<string, unknown> = { id };
      if (p.parent !== undefined && i > 0) o.parent = partnerIds[p.parent % i];
      if (p.programShare !== undefined) o.programShare = fixed(p.programShare, 2);
      if (p.feeShare !== undefined) o.feeShare = fixed(p.feeShare, 2);
      if (p.cashback) {
        const mine = clientsOf(id);
        const perClient = Object.fromEntries(mine.length ? p.cashback.perClient.map((x) => [mine[x.client % mine.length]!, fixed(x.rate, 2)]) : []);
        const changes = p.cashback.changes
          .map((ch) => ({ t: within(ch.day, ch.minute), ch }))
          .sort((a, b) => a.t - b.t)
          .map(({ t, ch }) => ({
            at: stamp(t), action: ch.action,
            ...(ch.client !== undefined && mine.length ? { client: mine[ch.client % mine.length] } : {}),
            ...(ch.action === 'change' ? { rate: fixed(ch.rate, 2) } : {}),
          }));
        o.cashback = { rate: fixed(p.cashback.rate, 2), ...(Object.keys(perClient).length ? { perClient } : {}), ...(changes.length ? { changes } : {}) };
      }
      return o;
    });
    const rebates: Record<string, unknown> = { plan: rb.plan === 'seed000' ? 'seed000' : schedule(rb.plan, true) };
    if (partners.length) rebates.partners = partners;
    if (rb.tiers && 'additive' in rb.tiers) rebates.tiers = { style: 'additive', levels: rb.tiers.additive.map((l) => schedule(l, true)) };
    else if (rb.tiers) {
      // Shares of one pool never sum to more than all of it.
      let left = 100;
      const shares = rb.tiers.shares.map((x) => {
        const v = Math.min(x, left);
        left -= v;
        return fixed(v, 2);
      });
      rebates.tiers = { style: 'split', shares };
    }
    doc.rebates = rebates;
  }

  // Risk: the pool's weekly loss limit is mandatory with a pool; stop-out never above the margin call.
  if (r.risk) {
    const k = r.risk;
    const risk: Record<string, unknown> = {};
    if (!(k.fromPreset && r.preset)) risk.leverage = typeof k.leverage === 'number' ? k.leverage : { default: k.leverage.default, ...Object.fromEntries(k.leverage.byClass.map(([c, v]) => [CLASSES[c]!, v])) };
    if (!(k.fromPreset && r.preset)) {
      risk.marginCallPct = k.marginCall;
      risk.stopOutPct = Math.max(1, Math.floor((k.marginCall * k.stopOutShare) / 100));
    }
    if (pool) risk.pool = { weeklyLossPct: k.weeklyLoss, ...(k.dailyLoss !== undefined ? { dailyLossPct: k.dailyLoss } : {}), ...(k.maxLeverage !== undefined ? { maxLeverage: k.maxLeverage } : {}) };
    if (k.master) {
      const m = k.master;
      const master: Record<string, unknown> = {};
      if (m.hardStopEquity !== undefined) master.hardStopEquity = dollars(m.hardStopEquity);
      if (m.hardStopDrawdownPct !== undefined) master.hardStopDrawdownPct = m.hardStopDrawdownPct;
      if (m.maxOrderVolume !== undefined) master.maxOrderVolume = lots(m.maxOrderVolume * commonStep);
      if (m.maxOpenVolume !== undefined) master.maxOpenVolume = lots(m.maxOpenVolume * commonStep);
      risk.master = master;
    }
    doc.risk = risk;
  }

  // Stress effects on the same symbols: gaps (every weekend or at a time), flash crashes after a quote, spread and slippage windows.
  const stress = r.stress.flatMap((e): Array<Record<string, unknown>> => {
    const s = sym(e.sym);
    const ser = series.get(s.symbol)!;
    const slot = ser.slots.length ? ser.slots[e.slot % ser.slots.length]! : start;
    // Decimals are written as strings (a JSON number like 0.30000000000000004 is refused); `scale` is their decimal places.
    const range = (lo: number, width: number, min: number, scale = 0): string | { min: string; max: string } => {
      const from = Math.max(min, lo);
      return e.ranged ? { min: fixed(from, scale), max: fixed(from + width, scale) } : fixed(from, scale);
    };
    if (e.type === 'gap') {
      const at = e.weekends ? 'weekends' : stamp(clampTime(slot));
      return [e.byPoints ? { type: 'gap', symbol: s.symbol, at, points: range(e.lo * s.step, e.width * s.step, -1e6) } : { type: 'gap', symbol: s.symbol, at, pct: range(e.lo, e.width, -500, 1) }];
    }
    if (e.type === 'flash-crash') {
      // It needs a quote of the symbol before it to crash from: a minute after a slot that is not the first.
      if (ser.slots.length < 2 && ser.quotes.length < 2) return [];
      // A generated series' first bar is not at its `from`: half a day in leaves room for a quote.
      const after = ser.slots[Math.min(ser.slots.length - 1, Math.max(ser.quotes.length ? 1 : 4, e.slot % ser.slots.length))]!;
      if (after + MINUTE > end) return [];
      return [{ type: 'flash-crash', symbol: s.symbol, at: stamp(after + MINUTE), depthPct: range(e.depth * 25, e.width * 25, 25, 2), recoveryMinutes: e.minutes, ...(e.recover !== undefined ? { recoverPct: e.recover } : {}) }];
    }
    const from = clampTime(slot - 60 * MINUTE);
    const to = Math.min(end + DAY, from + e.span * 60 * MINUTE);
    if (e.type === 'spread') return [e.byPoints ? { type: 'spread', symbol: s.symbol, from: stamp(from), to: stamp(to), points: range(e.lo, e.width, 0) } : { type: 'spread', symbol: s.symbol, from: stamp(from), to: stamp(to), multiplier: range(10 + e.width * 2, e.width * 2, 0, 1) }];
    return [{ type: 'slippage', symbol: s.symbol, from: stamp(from), to: stamp(to), points: range(e.lo, e.width, 0) }];
  });
  if (stress.length) doc.stress = stress;
  applyCurrencies(doc, r, symbols.map((s) => s.symbol));
  return doc;
}

/**
 * Account currencies from the recipe: only those the drawn instruments convert (EUR with EURUSD,
 * JPY with USDJPY, GBP with GBPUSD); a block's parts and a pool's members keep the program's or
 * the pool's, as the scenario rules require.
 */
function applyCurrencies(doc: Record<string, unknown>, r: Recipe, symbols: readonly string[]): void {
  const c = r.currencies;
  if (!c) return;
  const held = ['USD', ...(symbols.includes('EURUSD') ? ['EUR'] : []), ...(symbols.includes('USDJPY') ? ['JPY'] : []), ...(symbols.includes('GBPUSD') ? ['GBP'] : [])];
  if (held.length === 1) return;
  const pick = (n: number): string => held[n % held.length]!;
  const program = doc.program as Record<string, unknown>;
  const block = program.structure === 'block';
  program.currency = pick(c.program);
  const pool = program.pamm as Record<string, unknown> | undefined;
  if (pool && !block) pool.currency = pick(c.pool);
  let k = 0;
  const next = (): string => pick(c.accounts[k++ % Math.max(1, c.accounts.length)] ?? 0);
  for (const inv of (doc.investors as Array<Record<string, unknown>>) ?? []) if (inv.model === 'mam' && !block) inv.currency = next();
  for (const cl of (doc.clients as Array<Record<string, unknown>> | undefined) ?? []) cl.currency = next();
  for (const p of ((doc.rebates as Record<string, unknown> | undefined)?.partners as Array<Record<string, unknown>> | undefined) ?? []) p.currency = next();
}

type Schedule = { default?: Record<string, number> | undefined; byClass: Array<[number, Record<string, number>]> };

/** A commission or rebate schedule by class; rates in hundredths (dollars a lot, percent of notional, pips). */
function schedule(s: Schedule, rebate: boolean): Record<string, unknown> {
  const rate = (x: Record<string, number>): Record<string, string> => {
    if ('perLot' in x) return { perLot: fixed(x.perLot!, 2) };
    if ('notionalPct' in x) return { notionalPct: fixed(x.notionalPct!, 2) };
    return rebate ? { pips: fixed(x.pips!, 1) } : { perLot: fixed(x.pips!, 2) };
  };
  const out: Record<string, unknown> = {};
  if (s.default) out.default = rate(s.default);
  for (const [c, x] of s.byClass) out[CLASSES[c]!] = rate(x);
  return out;
}

/** Whole scenario documents. */
export const scenarioArb: fc.Arbitrary<Record<string, unknown>> = recipeArb.map(buildScenario);
