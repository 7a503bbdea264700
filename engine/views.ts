// Views (DESIGN "Run outputs"): snapshots of accounts and investors, open positions, the NAV
// and the rounding money still open, for the runner, reports and invariant checks. The snapshots
// settle the current instant first, so they never see legs still waiting to fill.
import { Dec } from './decimal.js';
import type { Side } from './instrument.js';
import type { ServerTime } from './time.js';
import type { AccountKind } from './journal.js';
import type { InvestmentModel, Parts, Position, ProgramState } from './program-state.js';
import { Money, Price, Units, Volume } from './values.js';

export interface AccountSnapshot {
  readonly id: string;
  readonly kind: AccountKind;
  readonly balance: Money;
  readonly equity: Money;
  readonly floating: Money;
  readonly openVolume: Volume;
}

export interface MasterTradeView {
  readonly ticket: string;
  readonly symbol: string;
  readonly side: Side;
  readonly volume: Volume;
  readonly openTime: ServerTime;
  /** The executive price it filled at (absent only before its fill is flushed). */
  readonly openPrice?: Price;
  readonly sl?: Price;
  readonly tp?: Price;
}

export interface InvestorSnapshot {
  readonly id: string;
  readonly model: InvestmentModel;
  readonly manager: boolean;
  readonly active: boolean;
  readonly detached: boolean;
  readonly equity: Money;
  readonly mark: Money;
  /** Cumulative-profit basis: the high of the cumulative trading result, gross of fees. */
  readonly resultMark: Money;
  readonly units?: Units;
}

/**
 * The ids of `only` that `map` holds, in the map's order (the program's: the order rows are
 * written in), without walking the whole map when `only` is a few of many: a row at one
 * investor's own event in a program of 11,000 looks at that investor. Ids are only ever added
 * to these maps, so each one's place is kept until the map grows.
 */
class Order {
  private place = new Map<string, number>();
  constructor(private readonly map: ReadonlyMap<string, unknown>) {}
  of(only: ReadonlySet<string>): string[] {
    if (only.size * 4 >= this.map.size) return [...this.map.keys()].filter((id) => only.has(id));
    if (this.place.size !== this.map.size) this.place = new Map([...this.map.keys()].map((id, i) => [id, i]));
    return [...only].filter((id) => this.place.has(id)).sort((a, b) => this.place.get(a)! - this.place.get(b)!);
  }
}

export class Views {
  private readonly accountOrder: Order;
  private readonly investorOrder: Order;

  constructor(private readonly s: ProgramState, private readonly p: Parts) {
    this.accountOrder = new Order(s.accountKinds);
    this.investorOrder = new Order(s.investors);
  }

  /** Every account's balance, equity and open volume (`only`: those accounts). */
  accountSnapshots(only?: ReadonlySet<string>): AccountSnapshot[] {
    this.p.execution.flush();
    const out: AccountSnapshot[] = [];
    for (const id of only ? this.accountOrder.of(only) : this.s.accountKinds.keys()) {
      const kind = this.s.accountKinds.get(id)!;
      const acc = this.s.accounts.get(id);
      const balance = this.s.journal.balance(id);
      const floating = acc ? this.p.valuation.floatingOf(acc) : Money.zero;
      const openVolume = acc ? Volume.sum(acc.positions.map((p) => p.volume)) : Volume.zero;
      out.push({ id, kind, balance, equity: balance.plus(floating), floating, openVolume });
    }
    return out;
  }

  /** Every investor's equity, marks and units (`only`: those investors; the pool's split is computed only when one of them is a member). */
  investorSnapshots(only?: ReadonlySet<string>): InvestorSnapshot[] {
    this.p.execution.flush();
    const chosen = only ? this.investorOrder.of(only).map((id) => this.s.investors.get(id)!) : [...this.s.investors.values()];
    const values = chosen.some((inv) => inv.model === 'pamm') ? this.p.valuation.memberValues() : new Map<string, Money>();
    return chosen.map((inv) => ({
      id: inv.id, model: inv.model, manager: inv.manager, active: inv.active, detached: inv.detached,
      equity: this.p.valuation.equityOf(inv, values),
      mark: inv.fee.mark,
      resultMark: inv.fee.resultMark,
      units: inv.model === 'pamm' ? this.s.units!.holding(inv.id) : undefined,
    }));
  }

  openPositions(): Position[] {
    this.p.execution.flush();
    return [...this.s.accounts.values()].flatMap((a) => a.positions);
  }

  /** PAMM NAV per unit now, if the program has a pool. */
  nav(): Dec | undefined {
    if (!this.s.units || !this.s.config.pool) return undefined;
    return this.s.units.nav(this.p.valuation.equity(this.s.config.pool.id));
  }

  poolUnits(): Units | undefined { return this.s.units?.total; }

  openMasterTickets(): string[] { return [...this.s.masterTrades.keys()]; }

  /** The master's open trades in opening order, each with its open volume now: what a strategy sees of its own book. */
  masterTrades(): MasterTradeView[] {
    this.p.execution.flush();
    return [...this.s.masterTrades.values()].map((t) => ({
      ticket: t.ticket, symbol: t.symbol, side: t.side, volume: this.p.valuation.masterVolume(t.ticket), openTime: t.openTime,
      ...(t.openPrice ? { openPrice: t.openPrice } : {}), ...(t.sl ? { sl: t.sl } : {}), ...(t.tp ? { tp: t.tp } : {}),
    }));
  }

  accountIds(): string[] { return [...this.s.accountKinds.keys()]; }

  /** Rounding money still open: per account, floating P&L minus the ideal floating P&L of the exact volumes. */
  openRounding(): Map<string, Money> {
    this.p.execution.flush();
    const out = new Map<string, Money>();
    const add = (acc: string, m: Money): void => { out.set(acc, (out.get(acc) ?? Money.zero).plus(m)); };
    const ideal = (acc: string, symbol: string, side: Side, exact: Dec, open: Price): Money => this.p.valuation.profit(acc, symbol, side, exact, open, this.p.valuation.markOf(symbol, side));
    for (const p of this.openPositions()) add(p.account, this.p.valuation.floating(p).minus(ideal(p.account, p.symbol, p.side, p.exactVolume, p.openPrice)));
    for (const t of this.s.masterTrades.values()) {
      for (const [acc, share] of t.skipped) if (share.exact.gt(0) && t.openPrice) add(acc, ideal(acc, t.symbol, t.side, share.exact, share.openPrice ?? t.openPrice).neg());
    }
    return out;
  }
}
