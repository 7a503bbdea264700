// The words of an investor statement (reports/statement-page.ts): the program's fee terms as a
// reader says them, and how one period's performance fee came out of the gain above the mark,
// with the arithmetic redone from the statement row and the program's rate so that a reader can
// check it by hand. Only the summary's echo of the terms and the row are read.
import { Dec } from '../engine/decimal.js';
import { humanAmount } from './html.js';
import type { Summary } from './summary.js';

/** A fraction as a percentage in words: 0.2 → "20%", 0.125 → "12.5%". */
export function percentOf(fraction: string): string {
  return `${new Dec(fraction).times(100).toString()}%`;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const obj = (x: unknown): Record<string, unknown> | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);

interface Tier {
  readonly from: string;
  readonly rate: string;
}

/** The program's tiered performance fee, when it has one (summary.json `program.performanceFeeTiers`). */
function tiersOf(s: Summary): { basis: string; tiers: Tier[] } | undefined {
  const t = obj(s.program.performanceFeeTiers);
  if (!t || !Array.isArray(t.tiers)) return undefined;
  return { basis: str(t.basis) ?? 'profit', tiers: (t.tiers as unknown[]).map((x) => ({ from: str(obj(x)?.from) ?? '0', rate: str(obj(x)?.rate) ?? '0' })) };
}

/** Term changes of the flat performance fee, in the order the program lists them. */
function rateChanges(s: Summary): Array<{ at: string; rate: string }> {
  const list = Array.isArray(s.program.termChanges) ? (s.program.termChanges as unknown[]) : [];
  return list.flatMap((c) => {
    const rate = str(obj(c)?.performanceFee);
    return rate === undefined ? [] : [{ at: str(obj(c)?.at) ?? '', rate }];
  });
}

const PERIOD_WORDS: Readonly<Record<string, string>> = { daily: 'every day', weekly: 'every week', monthly: 'every month', quarterly: 'every quarter', annual: 'every year' };

/** Amount formatting the caller chose (cents with separators), for numbers inside sentences. */
export type Amount = (text: string) => string;

/**
 * The program's fee terms as sentences (escaped by the caller): the performance fee with its
 * mark and hurdle, the management, entry, subscription and volume fees when the program has them.
 */
export function feeTermsInWords(s: Summary, amount: Amount): string[] {
  const p = s.program;
  const pf = s.policies.performanceFee;
  const tiers = tiersOf(s);
  const basis = pf.hwmBasis === 'equity'
    ? `the gain of equity above its high-water mark (the mark ${pf.hwmReset === 'after-fee' ? 'resets to the equity after the fee' : 'resets to the equity before the fee, so the fee is earned back too'})`
    : 'each new high of the cumulative trading result (gross of fees, so deposits and withdrawals never count as gains)';
  const rate = tiers
    ? tiers.basis === 'profit'
      ? `tiered by profit band (${tiers.tiers.map((t) => `${percentOf(t.rate)} from ${amount(t.from)}`).join(', ')})`
      : `tiered by the amount invested (${tiers.tiers.map((t) => `${percentOf(t.rate)} from ${amount(t.from)}`).join(', ')})`
    : percentOf(str(p.performanceFee) ?? '0');
  const out = [`Performance fee: ${rate} of ${basis}, assessed ${PERIOD_WORDS[pf.period] ?? pf.period} and on exit. No fee is due while below the mark: losses carry forward until recovered.`];
  if (pf.hurdle !== 'none') out.push(`Hurdle: ${percentOf(pf.hurdleRate)} a year (${pf.hurdleDayCount}), ${pf.hurdle === 'hard' ? 'the fee is charged only on the gain above it' : 'the fee is charged on the whole gain once above it, never leaving the investor below it'}.`);
  if (pf.floatingPnl !== 'all') out.push(`Open positions: ${pf.floatingPnl === 'none' ? 'unrealized profit and loss is left out of the assessment' : 'unrealized losses count, unrealized profits do not'}.`);
  const withdrawal = { 'pro-rata': 'a partial withdrawal pays the fee due on the withdrawn share of the gain', 'crystallize-all': 'a partial withdrawal crystallizes the fee on the whole gain', 'reduce-mark': 'a partial withdrawal pays no fee and lowers the mark by the amount withdrawn' }[pf.partialWithdrawal];
  out.push(`Withdrawals: ${withdrawal}.`);
  for (const c of rateChanges(s)) out.push(`From ${c.at}: performance fee ${percentOf(c.rate)} (${s.policies.termChanges === 'all-members' ? 'all members' : 'new members only'}).`);
  const mf = obj(p.managementFee);
  if (mf) out.push(`Management fee: ${percentOf(str(mf.rate) ?? '0')} a year of ${str(mf.basis) ?? 'equity'}, accrued daily (${s.policies.managementFee.dayCount}) and charged ${PERIOD_WORDS[s.policies.managementFee.period] ?? s.policies.managementFee.period}, before the performance fee.`);
  const entry = str(p.entryFee);
  if (entry && !new Dec(entry).isZero()) out.push(`Entry fee: ${percentOf(entry)} of each deposit.`);
  const sub = str(p.subscriptionFee);
  if (sub) out.push(`Subscription: ${amount(sub)} per management-fee period.`);
  const vf = obj(p.volumeFee);
  if (vf) out.push(`Volume fee: ${str(vf.perLot) ?? '0'} per lot and ${str(vf.perMillion) ?? '0'} per million notional, each side.`);
  return out;
}

/** The figures of one statement row the explanation reads (exact decimal strings). */
export interface FeeFigures {
  readonly period: string;
  readonly manager: boolean;
  readonly markBasis: string;
  readonly mark: string;
  readonly gain: string;
  readonly withdrawals: string;
  readonly performanceFees: string;
  /** Booking precision, such as "0.0000001": products are rounded half away from zero to it. */
  readonly precision: string;
}

/** How a fee came about. */
export interface Explanation {
  /** Sentences as HTML: text escaped, amounts formatted. */
  readonly lines: readonly string[];
  /** The rate × gain product before rounding, when the fee is a flat rate of the gain (for tests and the page). */
  readonly product?: string;
}

/** The product rounded to the booking precision, half away from zero (the engine's rule for fees). */
function toPrecision(x: Dec, precision: string): Dec {
  const dp = Math.max(0, new Dec(precision).decimalPlaces());
  return x.toDecimalPlaces(dp, Dec.ROUND_HALF_UP);
}

/** The flat rates this investor may pay: the program's, then each term change's (the booked fee tells which). */
function candidateRates(s: Summary, to: string): string[] {
  const base = str(s.program.performanceFee) ?? '0';
  const changes = rateChanges(s).filter((c) => c.at <= to);
  // Under all-members the last change before the period end is in force for everyone: try it first.
  const ordered = s.policies.termChanges === 'all-members' ? [...changes.map((c) => c.rate).reverse(), base] : [base, ...changes.map((c) => c.rate)];
  return [...new Set(ordered)];
}

/**
 * How the period's performance fee came about, in words and numbers: the gain above the mark
 * times the rate, rounded to the booking precision; the part charged earlier at withdrawals; or
 * why there is none. `e` escapes text, `amount` formats an amount (cents, exact on hover).
 */
export function explainPerformanceFee(s: Summary, f: FeeFigures, to: string, e: (x: string) => string, amount: Amount): Explanation {
  const gain = new Dec(f.gain);
  const booked = new Dec(f.performanceFees);
  const basisWords = f.markBasis === 'equity' ? 'equity' : 'cumulative trading result';
  const markWords = f.markBasis === 'equity' ? 'high-water mark' : 'previous high of the cumulative result';
  const atEnd = f.period.startsWith('exit') ? 'at the exit' : 'at the period end';
  if (f.manager) return { lines: [`The manager's own capital pays no performance fee: its ${e(basisWords)} ${atEnd} was ${amount(f.gain)} ${gain.isNegative() ? 'below' : 'above'} the ${e(markWords)} of ${amount(f.mark)}, and nothing was charged.`] };
  if (!gain.isPositive() || gain.isZero()) {
    const where = gain.isZero() ? 'exactly at' : `${amount(gain.neg().toString())} below`;
    const lines = [`No performance fee ${atEnd}: the ${e(basisWords)} was ${where} the ${e(markWords)} of ${amount(f.mark)}. The mark stays where it is, so this shortfall is earned back before any fee is due.`];
    if (!booked.isZero()) lines.push(`The period's performance fees, ${amount(f.performanceFees)}, were charged earlier in the period, on withdrawals (${e(s.policies.performanceFee.partialWithdrawal)}).`);
    return { lines };
  }
  const head = `The ${e(basisWords)} ${atEnd} was ${amount(f.gain)} above the ${e(markWords)} of ${amount(f.mark)}.`;
  const tiers = tiersOf(s);
  if (tiers && tiers.basis === 'profit') {
    // Each band of the gain at its own rate, like tax brackets.
    const parts = tiers.tiers.map((t, i) => {
      const next = tiers.tiers[i + 1]?.from;
      const band = Dec.max(0, (next ? Dec.min(gain, next) : gain).minus(t.from));
      return { rate: t.rate, band, fee: band.times(t.rate) };
    }).filter((x) => x.band.isPositive() && !x.band.isZero());
    const product = parts.reduce((x, p) => x.plus(p.fee), new Dec(0));
    return withWithdrawals(s, f, e, amount, head, `${parts.map((p) => `${percentOf(p.rate)} × ${e(humanExact(p.band))}`).join(' + ')} = ${e(humanExact(product))}`, product);
  }
  if (s.policies.performanceFee.hurdle !== 'none' || tiers) {
    const why = tiers ? `at the rate of the tier the investor's net invested amount reached (${tiers.tiers.map((t) => `${percentOf(t.rate)} from ${amount(t.from)}`).join(', ')})` : `under the ${e(s.policies.performanceFee.hurdle)} hurdle of ${percentOf(s.policies.performanceFee.hurdleRate)} a year, pro-rated to the period (${e(s.policies.performanceFee.hurdleDayCount)})`;
    return { lines: [head, `The performance fees of the period, ${amount(f.performanceFees)}, were charged on that gain ${why}; summary.json and events.csv give each charge.`] };
  }
  const rates = candidateRates(s, to);
  const exact = rates.find((r) => toPrecision(gain.times(r), f.precision).eq(booked)) ?? rates[0]!;
  const product = gain.times(exact);
  return withWithdrawals(s, f, e, amount, head, `${percentOf(exact)} × ${e(humanExact(gain))} = ${e(humanExact(product))}`, product);
}

/** Thousands separators, every digit kept (at least two decimals). */
const humanExact = (x: Dec): string => humanAmount(x.toFixed());

/** The fee at the period end from its product, and what the period's withdrawals were charged before it. */
function withWithdrawals(s: Summary, f: FeeFigures, e: (x: string) => string, amount: Amount, head: string, sum: string, product: Dec): Explanation {
  const atEnd = toPrecision(product, f.precision);
  const booked = new Dec(f.performanceFees);
  const rounded = atEnd.eq(product) ? 'exact at the booking precision' : `rounded half away from zero to the booking precision ${e(f.precision)}: ${e(humanExact(atEnd))}`;
  const lines = [head, `Fee: ${sum}, ${rounded}; ${amount(atEnd.toString())} in cents.`];
  const earlier = booked.minus(atEnd);
  if (earlier.isZero()) lines.push(`That is the period's performance fee, ${amount(f.performanceFees)}.`);
  else if (earlier.isPositive() && !new Dec(f.withdrawals).isZero()) {
    lines.push(`With ${amount(earlier.toString())} charged earlier in the period on withdrawals (${e(s.policies.performanceFee.partialWithdrawal)}), the period's performance fees are ${amount(f.performanceFees)}.`);
  } else lines.push(`The period's performance fees booked, ${amount(f.performanceFees)}, differ from this by ${amount(earlier.toString())}: the program's terms changed for this investor (events.csv gives each charge).`);
  return { lines, product: product.toString() };
}
