// Generated investor groups (sim/population.ts, docs/scenario-reference.md "Generated investors"):
// each distribution against its formula recomputed here from the same seeded streams, the sample
// statistics against their sampling error, determinism, the input errors with their JSON paths,
// population.csv, and the program's invariants after every event of a generated population.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { formatServerTime, type ServerTime } from '../engine/time.js';
import { parseTime } from '../sim/calendar.js';
import { InputError } from '../sim/input-error.js';
import { MAX_INVESTORS } from '../sim/limits.js';
import { detExp, detLn } from '../sim/population.js';
import { stream } from '../sim/rng.js';
import { requestExecutesAt } from '../sim/runner.js';
import { runToDirectory } from '../sim/run-output.js';
import { type InvestorSpec, type LoadOptions, type Scenario, loadScenario, parseScenario } from '../sim/scenario.js';
import { staticChecks } from '../sim/static-checks.js';
import { ROOT, checkedRun, csvRecords, scenarioPath } from './helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const START = '2024-03-04T00:05:00';
const t = (text: string): ServerTime => parseTime(text, 'ny+7')!;

/** A block program with a pool, two IBs, one tick, and the investors given; `extra` replaces top-level fields. */
function doc(investors: Json[], extra: Record<string, Json> = {}): Record<string, Json> {
  return {
    name: 'population', seed: 5, start: START, end: '2024-12-31T00:00:00', instruments: ['EURUSD'],
    prices: { EURUSD: { ticks: [['2024-03-04T10:00:00', '1.10000', '1.10010']] } },
    program: { structure: 'block', allocation: 'equity', pamm: { id: 'pool', initialNav: '100' } },
    rebates: { plan: 'seed000', partners: [{ id: 'ib-1' }, { id: 'ib-2' }] },
    investors, ...extra,
  };
}
const load = (d: Record<string, Json>, opts: LoadOptions = {}): Scenario => parseScenario(JSON.stringify(d), 'population.json', opts);
const group = (g: Record<string, Json>): Json => ({ generate: { count: 10, model: 'pamm', idPrefix: 'g', deposit: { list: ['1000'] }, ...g } });
const generated = (s: Scenario): InvestorSpec[] => s.investors.filter((i) => i.generated);
const cents = (x: Dec): Dec => x.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** The error a load throws (an InputError), for its path and message. */
function refusal(d: Record<string, Json>): InputError {
  try {
    load(d);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('the scenario loaded');
}

describe('deposits', () => {
  it('a list is taken in turn, exactly as written, and ids are zero-padded to the width of count', () => {
    const s = load(doc([group({ count: 12, idPrefix: 'club.', deposit: { list: ['100', '250.5', '1000'] } })]));
    expect(s.investors.map((i) => [i.id, i.deposit.value.toString()])).toEqual(Array.from({ length: 12 }, (_, k) => [`club.${String(k + 1).padStart(2, '0')}`, ['100', '250.5', '1000'][k % 3]]));
    expect(s.investors.every((i) => i.model === 'pamm' && i.at === undefined && !i.manager && i.entry === 0)).toBe(true);
    expect(load(doc([group({ count: 9 })])).investors.map((i) => i.id)).toEqual(['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'g9']);
    // A list's deposits are whole cents, as the drawn ones are.
    expect(() => load(doc([group({ deposit: { list: ['1000', '100.123'] } })]))).toThrow(/\/investors\/0\/generate\/deposit\/list\/1: expected whole cents \(at most 2 decimals\), got 100\.123/);
  });

  it('uniform: min + u·(max − min) from the group\'s deposit stream, half-up to the cent, all within [min, max]', () => {
    const n = 2000;
    const s = load(doc([group({ count: n, model: 'mam', idPrefix: 'u-', deposit: { uniform: { min: '1000', max: '20000.50' } } })]));
    const rng = stream(5, 'population:u-:deposit');
    const expected = Array.from({ length: n }, () => cents(new Dec(1000).plus(new Dec(rng.next()).times('19000.5'))).toString());
    const got = s.investors.map((i) => i.deposit.value);
    expect(got.map((d) => d.toString())).toEqual(expected);
    expect(got.every((d) => d.gte(1000) && d.lte('20000.5') && d.decimalPlaces() <= 2)).toBe(true);
    // The mean of n uniforms: sd (max − min)/√(12n) = 19000.5/√24000 ≈ 122.6; within 4 sd of the middle.
    const mean = got.reduce((a, d) => a.plus(d), new Dec(0)).div(n).toNumber();
    expect(Math.abs(mean - 10500.25)).toBeLessThan(4 * 19000.5 / Math.sqrt(12 * n));
  });

  it('log-normal: median·exp(sigma·z), the median of 10,001 draws within 4 sampling sd of the given median, clamped to [min, max]', () => {
    const n = 10_001;
    const sigma = 0.8;
    const s = load(doc([group({ count: n, idPrefix: 'ln-', deposit: { logNormal: { median: '2500', sigma }, min: '100', max: '250000' } })]));
    const got = s.investors.map((i) => i.deposit.value);
    expect(got.every((d) => d.gte(100) && d.lte(250000) && d.decimalPlaces() <= 2)).toBe(true);
    // The formula with Math.exp: equal to the cent but for a half-cent tie that the last bit of exp moves.
    const rng = stream(5, 'population:ln-:deposit');
    for (const d of got.slice(0, 500)) {
      const x = Dec.min(Dec.max(cents(new Dec(2500 * Math.exp(sigma * rng.normal()))), 100), 250000);
      expect(d.minus(x).abs().lte('0.01'), `${d.toString()} vs ${x.toString()}`).toBe(true);
    }
    // The sample median of a log-normal: ln(median) is about normal with sd sigma·√(π/(2n)) ≈ 0.0100.
    const sorted = got.map((d) => d.toNumber()).sort((a, b) => a - b);
    const median = sorted[(n - 1) / 2]!;
    expect(Math.abs(Math.log(median / 2500))).toBeLessThan(4 * sigma * Math.sqrt(Math.PI / (2 * n)));
    // And the spread: the interquartile range of ln(deposit) is 2·0.6745·sigma (the clamp cuts less than 0.02% here).
    const iqr = Math.log(sorted[Math.floor(0.75 * n)]! / sorted[Math.floor(0.25 * n)]!);
    expect(Math.abs(iqr - 2 * 0.6745 * sigma)).toBeLessThan(0.05);
  });

  it('exp and ln by series with + − × ÷ agree with Math.exp and Math.log to 14 digits', () => {
    for (let x = -24; x <= 24; x += 0.173) expect(Math.abs(detExp(x) / Math.exp(x) - 1)).toBeLessThan(1e-14);
    for (const y of [1, 0.999999, 0.75, 0.5, 0.3, 1e-3, 1e-9, 2 ** -53]) expect(Math.abs(detLn(y) - Math.log(y))).toBeLessThan(1e-14 * Math.max(1, Math.abs(Math.log(y))));
  });
});

describe('joins and referrals', () => {
  const n = 10_000;
  const big = doc([group({ count: n, idPrefix: 'r', deposit: { logNormal: { median: '2500', sigma: 0.8 } }, join: { from: START, perDay: 40 }, referredBy: { 'ib-1': 0.3, 'ib-2': 0.2 } })]);

  it('expands 10,000 investors well within a second (load of the whole scenario)', () => {
    load(big); // warm
    const t0 = performance.now();
    const s = load(big);
    const ms = performance.now() - t0;
    expect(s.investors.length).toBe(n);
    expect(ms).toBeLessThan(2000); // 0.05–0.15 s measured; loose for a loaded machine
  });

  it('join times: whole seconds from `from`, gaps −ln(1 − u)·86400/perDay summed then rounded, mean gap 1/perDay within 4 sd', () => {
    const s = load(big);
    const times = s.investors.map((i) => i.at!);
    const rng = stream(5, 'population:r:join');
    let elapsed = 0;
    const expected = times.map(() => {
      elapsed += -Math.log(1 - rng.next()) * 86_400 / 40;
      return t(START) + Math.round(elapsed) * 1000;
    });
    // Math.log may differ in its last bit from the series: at most a second apart, on a tie.
    times.forEach((x, k) => expect(Math.abs(x - expected[k]!)).toBeLessThanOrEqual(1000));
    expect(times.every((x, k) => x % 1000 === 0 && x >= (k === 0 ? t(START) : times[k - 1]!))).toBe(true);
    const meanGap = (times[n - 1]! - t(START)) / 1000 / n;
    // Exponential gaps: the mean of n has sd (86400/40)/√n = 21.6 s.
    expect(Math.abs(meanGap - 86_400 / 40)).toBeLessThan(4 * 2160 / Math.sqrt(n));
  });

  it('referrals: each investor by one draw, ib-1 below 0.3, ib-2 below 0.5, the rest unreferred; shares within 4 sd', () => {
    const s = load(big);
    const rng = stream(5, 'population:r:referral');
    const expected = s.investors.map(() => {
      const u = rng.next();
      return u < 0.3 ? 'ib-1' : u < 0.5 ? 'ib-2' : undefined;
    });
    expect(s.investors.map((i) => i.referredBy)).toEqual(expected);
    for (const [ib, share] of [['ib-1', 0.3], ['ib-2', 0.2], [undefined, 0.5]] as const) {
      const got = s.investors.filter((i) => i.referredBy === ib).length / n;
      expect(Math.abs(got - share), String(ib)).toBeLessThan(4 * Math.sqrt(share * (1 - share) / n));
    }
  });

  it('a join after the scenario end is not generated: the group stops at the last join within it', () => {
    const end = '2024-03-15T00:00:00';
    const s = load(doc([group({ count: 100, join: { from: START, perDay: 5 } })], { end }));
    const times = s.investors.map((i) => i.at!);
    const rng = stream(5, 'population:g:join');
    let elapsed = 0;
    let within = 0;
    for (let k = 0; k < 100; k++) {
      elapsed += -Math.log(1 - rng.next()) * 86_400 / 5;
      if (t(START) + Math.round(elapsed) * 1000 > t(end)) break;
      within++;
    }
    expect(times.length).toBe(within);
    expect(within).toBeGreaterThan(20); // about 55 expected in 11 days
    expect(within).toBeLessThan(100);
    expect(times.every((x) => x <= t(end))).toBe(true);
  });
});

describe('determinism', () => {
  const d = doc([
    { id: 'alice', model: 'mam', deposit: '5000' },
    group({ count: 50, model: 'mam', idPrefix: 'a-', deposit: { uniform: { min: '100', max: '900' } }, referredBy: { 'ib-1': 0.5 } }),
    group({ count: 50, idPrefix: 'b-', deposit: { logNormal: { median: '2500', sigma: 1 } }, join: { from: START, perDay: 3 } }),
  ]);
  const list = (s: Scenario) => s.investors.map((i) => [i.id, i.model, i.deposit.toString(), i.at ?? null, i.referredBy ?? null]);

  it('two loads give the same list; another seed in the file another; --seed (a Monte Carlo seed) the same', () => {
    expect(list(load(d))).toEqual(list(load(d)));
    expect(list(load({ ...d, seed: 6 }))).not.toEqual(list(load(d)));
    // The prices, stress and strategy follow --seed; who the investors are does not.
    expect(list(load(d, { seed: 6 }))).toEqual(list(load(d)));
    expect(list(load(d)).slice(0, 1)).toEqual([['alice', 'mam', '5000', null, null]]);
  });

  it('a group\'s draws are its own: other entries added, removed or reordered leave them as they were', () => {
    const alone = list(load(doc([(d.investors as Json[])[2]!])));
    const reordered = list(load(doc([(d.investors as Json[])[2]!, { id: 'zed', model: 'pamm', deposit: '10' }, (d.investors as Json[])[1]!])));
    const b = (rows: ReturnType<typeof list>) => rows.filter((r) => String(r[0]).startsWith('b-'));
    expect(b(alone)).toEqual(b(list(load(d))));
    expect(b(reordered)).toEqual(b(list(load(d))));
  });
});

describe('bad groups are input errors naming the JSON path', () => {
  it('an id a group generates that an explicit investor has', () => {
    const e = refusal(doc([{ id: 'a', model: 'mam', deposit: '1' }, { id: 'b', model: 'mam', deposit: '1' }, { id: 'c', model: 'mam', deposit: '1' }, group({ idPrefix: 'b' }), { id: 'b07', model: 'mam', deposit: '1' }]));
    expect([e.path, e.expected]).toEqual(['/investors/3/generate/idPrefix', 'generated id b07 is also the id of the investor at /investors/4: choose another idPrefix']);
  });

  it('ids two groups both generate, a shared prefix, the pool\'s id', () => {
    expect(refusal(doc([group({ idPrefix: 'x1', count: 5 }), group({ idPrefix: 'x', count: 20 })])).path).toBe('/investors/1/generate/idPrefix');
    expect(refusal(doc([group({}), group({})])).expected).toMatch(/idPrefix "g" is also the prefix of \/investors\/0\/generate/);
    expect(load(doc([group({ idPrefix: 'poo', count: 9 })])).investors.length).toBe(9); // poo1 … poo9 and the pool's id "pool": no collision
    expect(refusal(doc([group({ idPrefix: 'pool-', count: 9 })], { program: { structure: 'block', allocation: 'equity', pamm: { id: 'pool-3', initialNav: '100' } } })).expected).toBe('generated id pool-3 is the pool\'s id: choose another idPrefix');
  });

  it('an unknown IB, a share above 1, shares summing above 1', () => {
    const bad = refusal(doc([{ id: 'a', model: 'mam', deposit: '1' }, group({ referredBy: { 'ib-1': 0.2, nope: 0.1 } })]));
    expect([bad.path, bad.expected]).toEqual(['/investors/1/generate/referredBy/nope', 'unknown referrer nope: expected `manager` or a partner in rebates.partners (ib-1, ib-2)']);
    expect(refusal(doc([group({ referredBy: { 'ib-1': 1.5 } })])).path).toBe('/investors/0/generate/referredBy/ib-1');
    const sum = refusal(doc([group({ referredBy: { 'ib-1': 0.6, 'ib-2': 0.5 } })]));
    expect([sum.path, sum.expected]).toEqual(['/investors/0/generate/referredBy', 'the shares sum to 1.1: at most 1 (the rest of the group is unreferred)']);
    expect(load(doc([group({ referredBy: { manager: 1 } })])).investors.every((i) => i.referredBy === 'manager')).toBe(true);
  });

  it('more investors than MAX_INVESTORS, in one group (the schema) or in all (the loader)', () => {
    expect(refusal(doc([group({ count: MAX_INVESTORS + 1 })])).path).toBe('/investors/0/generate/count');
    const all = refusal(doc([group({ count: 60_000 }), group({ idPrefix: 'h', count: 40_000 }), { id: 'one-too-many', model: 'mam', deposit: '1' }]));
    expect([all.path, all.expected]).toEqual(['/investors/1/generate/count', 'at most 100,000 investors in a scenario (sim/limits.ts MAX_INVESTORS), this group brings them to 100,001']);
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/scenario.schema.json'), 'utf8')) as { definitions: Record<string, { properties: Record<string, { properties: Record<string, { maximum?: number }> }> }> };
    expect(schema.definitions.investorGroup!.properties.generate!.properties.count!.maximum).toBe(MAX_INVESTORS);
  });

  it('bad values: a PAMM group without a pool, a join before the start, a deposit finer than a cent, a sigma above 4', () => {
    expect(refusal(doc([group({})], { program: { structure: 'block', allocation: 'equity' } })).path).toBe('/investors/0/generate/model');
    expect(refusal(doc([group({ join: { from: '2024-03-01T00:00:00', perDay: 1 } })])).path).toBe('/investors/0/generate/join/from');
    expect(refusal(doc([group({ deposit: { uniform: { min: '100.001', max: '200' } } })])).path).toBe('/investors/0/generate/deposit/uniform/min');
    expect(refusal(doc([group({ deposit: { logNormal: { median: '100', sigma: 4.5 } } })])).path).toBe('/investors/0/generate/deposit/logNormal/sigma');
  });

  it('a schema error inside a group is named inside it, without the explicit investor\'s complaints', () => {
    const e = refusal(doc([group({ count: 'many' })]));
    expect([e.path, e.expected, e.more]).toEqual(['/investors/0/generate/count', 'expected integer', []]);
    const explicit = refusal(doc([{ id: 'a', model: 'mam' }]));
    expect([explicit.path, explicit.expected]).toEqual(['/investors/0/deposit', 'is required but missing']);
  });

  it('the allocation method\'s terms are asked of the group, at its path', () => {
    const e = refusal(doc([{ id: 'a', model: 'mam', deposit: '1', allocation: { lots: '0.1' } }, group({ model: 'mam' })], { program: { structure: 'block', allocation: 'lot' } }));
    expect([e.path, e.expected]).toEqual(['/investors/1/generate/allocation/lots', 'the lot method needs lots for every follower']);
    const ok = load(doc([group({ model: 'mam', allocation: { lots: '0.2' } })], { program: { structure: 'block', allocation: 'lot' } }));
    expect(ok.investors.every((i) => i.terms.lots?.toString() === '0.2')).toBe(true);
  });
});

describe('the rest of the scenario sees generated investors as any other', () => {
  it('flows may name them; a warning about one points at its group\'s join, and at an explicit investor\'s own entry', () => {
    const s = load(doc([group({ count: 3, join: { from: '2024-03-05T00:00:00', perDay: 1 } }), { id: 'late', model: 'mam', deposit: '100', at: '2024-04-01T10:00:00' }], {
      flows: [{ at: '2024-03-04T12:00:00', investor: 'g1', type: 'deposit', amount: '50' }, { at: '2024-03-05T12:00:00', investor: 'late', type: 'withdraw', amount: '50' }],
    }));
    const warnings = staticChecks(s);
    expect(warnings.map((w) => w.path)).toEqual(['/flows/0/at', '/flows/1/at']);
    expect(warnings[0]!.message).toContain('its join request, /investors/0/generate/join, is at');
    expect(warnings[1]!.message).toContain('its join request, /investors/1/at, is at');
    expect(s.locate(['investors', 3, 'deposit']).path).toBe('/investors/1/deposit');
  });

  it('a flow naming an unknown investor lists a few of the thousands declared', () => {
    const e = refusal(doc([group({ count: 5000 })], { flows: [{ at: '2024-03-05T12:00:00', investor: 'nobody', type: 'leave' }] }));
    expect(e.expected).toMatch(/^unknown investor "nobody"; declared: g0001, g0002, .*, g0020, … \(5,000 in all\)$/);
  });

  it('generated MAM sub-accounts hold the program\'s currency', () => {
    const s = load(doc([group({ count: 3, model: 'mam' }), group({ count: 2, idPrefix: 'p' })], { program: { structure: 'block', allocation: 'equity', currency: 'EUR', pamm: { id: 'pool', initialNav: '100' } } }));
    expect([...s.currencies.byAccount].filter(([id]) => id.startsWith('mam:'))).toEqual([['mam:g1', 'EUR'], ['mam:g2', 'EUR'], ['mam:g3', 'EUR']]);
    expect(s.currencies.byAccount.get('pool')).toBe('EUR');
    expect(staticChecks(s)).toEqual([]);
  });

  it('keeps the group as written in the normalized document', () => {
    const g = group({ count: 4, deposit: { list: ['10'] } });
    const s = load(doc([g]));
    expect((s.normalized.investors as Json[])[0]).toEqual({ generate: { ...(g as { generate: Record<string, Json> }).generate, referredBy: {} } });
  });
});

describe('the bundled scenarios/population.yaml', () => {
  it('holds the manager and two groups: 260 of 300 PAMM joins fall before the end, and 200 founding MAM sub-accounts', () => {
    const s = loadScenario(scenarioPath('population.yaml'));
    const count = (entry: number) => s.investors.filter((i) => i.generated && i.entry === entry).length;
    expect([s.investors.length, count(1), count(2)]).toEqual([461, 260, 200]);
    expect(s.investors[0]!.manager).toBe(true);
    expect(s.investors.filter((i) => i.entry === 2).every((i) => i.at === undefined && i.deposit.value.gte(1000) && i.deposit.value.lte(20000))).toBe(true);
  });
});

describe('a generated population runs', () => {
  const small = doc([
    { id: 'boss', model: 'pamm', deposit: '20000', manager: true },
    group({ count: 30, idPrefix: 'p-', deposit: { logNormal: { median: '2000', sigma: 0.7 }, min: '50' }, join: { from: START, perDay: 4 }, referredBy: { 'ib-2': 0.5 } }),
    group({ count: 20, model: 'mam', idPrefix: 'm-', deposit: { uniform: { min: '1000', max: '9000' } }, referredBy: { 'ib-1': 0.4 } }),
  ], {
    end: '2024-03-16T00:00:00',
    prices: { EURUSD: { generate: { from: '2024-03-04T00:00:00', to: '2024-03-16T00:00:00', timeframe: 'H4', start: '1.08500', volatility: '60', spread: '12' } } },
    policies: { performanceFee: { period: 'weekly' } },
    orders: [
      { at: '2024-03-04T10:00:00', action: 'open', ticket: 'B1', symbol: 'EURUSD', side: 'buy', volume: '3.00' },
      { at: '2024-03-07T10:00:00', action: 'close', ticket: 'B1' },
      { at: '2024-03-11T10:00:00', action: 'open', ticket: 'B2', symbol: 'EURUSD', side: 'sell', volume: '4.00' },
      { at: '2024-03-14T10:00:00', action: 'close', ticket: 'B2', volume: '2.00' },
    ],
    flows: [{ at: '2024-03-12T10:00:00', investor: 'm-03', type: 'withdraw', amount: '300' }, { at: '2024-03-13T10:00:00', investor: 'p-01', type: 'leave' }],
  });

  it('with every invariant holding after every event', () => {
    const r = checkedRun(load(small));
    expect(r.broken).toEqual([]);
    expect(r.checks).toBeGreaterThan(100);
    const joined = r.sink.events.filter((e) => e.kind === 'join').map((e) => e.investor);
    // Every generated investor whose join request executes within the run joins (a PAMM request at the next rollover window).
    const sc = r.scenario;
    expect(joined.length).toBe(1 + generated(sc).filter((i) => i.at === undefined || requestExecutesAt(i.model, i.at, sc.policies.pammFlows, sc.tradingWeek) <= sc.end).length);
  });

  it('writes population.csv: every investor, its group, deposit, join time and referrer', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-population-')), 'run');
    onTestFinished(() => rmSync(join(out, '..'), { recursive: true, force: true }));
    const { scenario } = runToDirectory(load(small), out, { investorPages: 'none' });
    const text = readFileSync(join(out, 'population.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('id,group,model,deposit,join_at,referred_by');
    const rows = csvRecords(text);
    expect(rows.length).toBe(scenario.investors.length);
    expect(rows[0]).toEqual({ id: 'boss', group: '', model: 'pamm', deposit: '20000.0000000', join_at: '', referred_by: '' });
    const p1 = scenario.investors[1]!;
    expect(rows[1]).toEqual({ id: 'p-01', group: '1', model: 'pamm', deposit: p1.deposit.value.toFixed(7), join_at: formatServerTime(p1.at!), referred_by: p1.referredBy ?? '' });
    expect(rows.filter((x) => x.group === '2').length).toBe(20);
    expect(rows.filter((x) => x.referred_by === 'ib-1').every((x) => x.group === '2')).toBe(true);
  });

  it('writes no population.csv for a scenario without a group', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-population-')), 'run');
    onTestFinished(() => rmSync(join(out, '..'), { recursive: true, force: true }));
    runToDirectory(scenarioPath('seed001-profit-distribution.json'), out, { investorPages: 'none' });
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(existsSync(join(out, 'population.csv'))).toBe(false);
  });
});
