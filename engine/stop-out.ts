// Stop-out (DOMAIN §9): below the stop-out level the most unprofitable position closes, the
// level is re-evaluated, and closing repeats until the level is restored or nothing is open.
import type { Dec } from './decimal.js';
import type { Money } from './values.js';

export interface StopOutPosition {
  readonly ticket: number;
}

/** What the stop-out needs of one account; `close` executes at the current price. */
export interface StopOutAccount<P extends StopOutPosition> {
  level(): Dec | undefined;
  positions(): readonly P[];
  floating(p: P): Money;
  close(p: P): void;
}

/** The position with the lowest open P&L; ties go to the older ticket (it was opened first). */
export function mostUnprofitable<P extends StopOutPosition>(positions: readonly P[], floating: (p: P) => Money): P | undefined {
  let worst: { p: P; pnl: Money } | undefined;
  for (const p of positions) {
    const pnl = floating(p);
    if (!worst || pnl.lt(worst.pnl) || (pnl.eq(worst.pnl) && p.ticket < worst.p.ticket)) worst = { p, pnl };
  }
  return worst?.p;
}

export interface StopOutClose<P> {
  readonly position: P;
  readonly floating: Money;
  readonly before: Dec;
  /** Undefined when nothing is left open (no margin in use). */
  readonly after: Dec | undefined;
}

/** Runs the stop-out on an account while its level has `reached` the stop-out level (riskTrigger); returns each close in order. */
export function stopOut<P extends StopOutPosition>(acc: StopOutAccount<P>, reached: (level: Dec) => boolean): Array<StopOutClose<P>> {
  const closes: Array<StopOutClose<P>> = [];
  for (let level = acc.level(); level !== undefined && reached(level);) {
    const worst = mostUnprofitable(acc.positions(), (p) => acc.floating(p));
    if (!worst) break;
    const pnl = acc.floating(worst);
    acc.close(worst);
    const after = acc.level();
    closes.push({ position: worst, floating: pnl, before: level, after });
    level = after;
  }
  return closes;
}
