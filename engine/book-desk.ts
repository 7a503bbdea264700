// The broker's executive desk over a book of programs (DOMAIN §2, §12). Each program's executive
// account nets its own legs and fills them at its own net's price (execution.ts); the desk sees
// those program orders as they execute. Netting `broker-wide`, at the end of each instant it nets
// the programs' orders in one instrument into one external order and takes the part of the book's
// exposure below the lot step into the house once. The order goes out where the programs' orders
// on its side were filled: at their volume-weighted price, rounded half-up to the instrument's
// digits (a market order's ask or bid, a stop's level, a stress window's slippage included), so
// netting never prices one program's fills from another's quotes (each program resolves its own
// bars: DOMAIN §10's intrabar policy). Netting `per-program`, each program keeps its own executive
// and house (each runs exactly as it would alone): the desk only counts.
//
// Why a program's legs keep their own net's price: a manager's investors' results never depend
// on what another manager traded at the same instant (docs/book.md). What netting changes is
// what reaches the market: the volume sent out, the house's residual, and the spread the
// external orders pay against the mid to the broker's liquidity provider,
//   externalSpread = Σ_orders |external| × |P − M| × contract size   (quote currency, then USD)
// with P the external order's price and M the mid the programs' orders on its side saw, weighted
// as P is (per program: the program's own order and mid). Two programs that cross (A buys
// 1 lot, B sells 1 lot) send nothing out broker-wide, and pay no external spread; per program
// they send 1 lot each way and pay the spread twice. (The programs' own broker figures count the
// spread inside client fills as the broker's income, DOMAIN §2; the external spread is what
// hedging the book costs, reported beside it, never inside it.) The house's residual lots fill at
// the order's price too, so their P&L at fill prices holds the half-spread the clients' spread
// already counts: `houseSpread`, Σ house legs v × (M − P) × contract size (buy positive), is that
// part, taken off once when the broker's result after hedging is reckoned:
//   net after hedging = spread + … + residual P&L − externalSpread − houseSpread
import { Dec } from './decimal.js';
import type { ExternalOrder } from './executive.js';
import { type Instrument, type Side, quoteProfit, sideSign } from './instrument.js';
import type { ServerTime } from './time.js';
import { Money, Price, Volume } from './values.js';

export type BookNetting = 'broker-wide' | 'per-program';

/** What the desk needs from the market: the instruments, and money in a symbol's quote currency as USD. */
export interface DeskMarket {
  instrument(symbol: string): Instrument;
  /** An amount in the symbol's quote currency as USD at the mid of the moment, rounded half-up to the quantum. */
  quoteToUsd(symbol: string, amount: Dec): Money;
  /** Where a position of `side` would close now (the house's floating residual at the end). */
  mark(symbol: string, side: Side): Price;
}

/** One order the book sends to the market. */
export interface BookOrder {
  readonly time: ServerTime;
  readonly symbol: string;
  /** Side of the programs' net, which sets the price; `cross` when they cancel (mid). */
  readonly side: Side | 'cross';
  readonly price: Price;
  /** The programs whose orders this nets, in book order, and their signed nets (buy positive). */
  readonly programs: ReadonlyArray<{ readonly program: string; readonly net: Dec; readonly price: Price }>;
  /** Signed net of the programs (buy positive). */
  readonly net: Dec;
  /** Signed change of the house's residual at this order (buy positive). */
  readonly house: Dec;
  /** Signed volume sent to the market: net + house, whole lot steps (buy positive). */
  readonly external: Dec;
  /** What the external order pays against the mid, USD (see the header). */
  readonly externalSpread: Money;
}

interface HouseLot {
  readonly side: Side;
  volume: Dec;
  readonly openPrice: Price;
}

/** Per symbol and in total: what the desk did (summary.json `book`). */
export interface DeskTally {
  /** Orders sent to the market (netting per program: the programs' own). */
  orders: number;
  /** Lots sent to the market. */
  externalVolume: Dec;
  /** Lots the programs' orders netted away against each other (zero per program). */
  internalizedVolume: Dec;
  /** What the external orders paid against the mid, USD. */
  externalSpread: Money;
  /** P&L of the book house's residual lots closed (netting broker-wide only; per program it is in each program's broker figures). */
  residualRealized: Money;
  /** What the house's residual legs got against the mid at their fills (every house's, either policy): counted in the clients' spread too. */
  houseSpread: Money;
}

export class BookDesk {
  private pending: Array<{ program: string; time: ServerTime; order: ExternalOrder; mid: Dec }> = [];
  private readonly house = new Map<string, HouseLot[]>();
  readonly tally: DeskTally = { orders: 0, externalVolume: new Dec(0), internalizedVolume: new Dec(0), externalSpread: Money.zero, residualRealized: Money.zero, houseSpread: Money.zero };

  constructor(readonly netting: BookNetting, private readonly market: DeskMarket) {}

  /** A program's executive executed `order` (its own net at its own price) when that program's mid was `mid`. */
  record(program: string, time: ServerTime, order: ExternalOrder, mid: Dec): void {
    if (this.netting === 'per-program') {
      // Each program's order goes out as it is: its external volume already holds its own house's residual.
      this.tally.houseSpread = this.tally.houseSpread.plus(this.signedSpread(order.symbol, order.house, mid.minus(order.price.value)));
      if (order.external.isZero()) return;
      this.tally.orders++;
      this.tally.externalVolume = this.tally.externalVolume.plus(order.external.abs());
      this.tally.externalSpread = this.tally.externalSpread.plus(this.spreadCost(order.symbol, order.external, order.price.value.minus(mid)));
      return;
    }
    this.pending.push({ program, time, order, mid });
  }

  /**
   * The end of an instant: nets what the programs executed in it per symbol (in the order the
   * symbols first traded) and returns the book's external orders. `exposure(symbol)` is the
   * signed open volume of every program's accounts through their executives after the instant.
   */
  endInstant(time: ServerTime, exposure: (symbol: string) => Dec): BookOrder[] {
    if (this.pending.length === 0) return [];
    const pending = this.pending;
    this.pending = [];
    const symbols: string[] = [];
    for (const p of pending) if (!symbols.includes(p.order.symbol)) symbols.push(p.order.symbol);
    return symbols.map((symbol) => this.net(time, symbol, pending.filter((p) => p.order.symbol === symbol), exposure(symbol)));
  }

  private net(time: ServerTime, symbol: string, orders: ReadonlyArray<{ program: string; order: ExternalOrder; mid: Dec }>, exposure: Dec): BookOrder {
    const inst = this.market.instrument(symbol);
    const programs = orders.map(({ program, order }) => ({ program, net: order.external, price: order.price }));
    const net = programs.reduce((x, p) => x.plus(p.net), new Dec(0));
    const side: BookOrder['side'] = net.isZero() ? 'cross' : net.isPositive() ? 'buy' : 'sell';
    // The orders on the net's side (every order when they cross) price it: their volume-weighted price and mid.
    const priced = orders.filter((o) => side === 'cross' || o.order.external.s === net.s);
    const weight = priced.reduce((x, o) => x.plus(o.order.external.abs()), new Dec(0));
    const weighted = (f: (o: (typeof priced)[number]) => Dec): Dec => (weight.isZero() ? f(priced[0]!) : priced.reduce((x, o) => x.plus(o.order.external.abs().times(f(o))), new Dec(0)).div(weight));
    const price = new Price(weighted((o) => o.order.price.value).toDecimalPlaces(inst.digits, Dec.ROUND_HALF_UP));
    const midSeen = weighted((o) => o.mid);
    // The house holds the opposite of the book's exposure below the lot step (execution.ts's rule, once for the book).
    const step = inst.lotStep.value;
    const target = exposure.div(step).trunc().times(step).minus(exposure);
    const house = target.minus(this.houseExposure(symbol));
    this.moveHouse(symbol, house, price);
    const external = net.plus(house);
    if (!external.mod(step).isZero()) throw new Error(`book desk: external order ${external.toString()} ${symbol} is not in whole lot steps`);
    const externalSpread = this.spreadCost(symbol, external, price.value.minus(midSeen));
    const grossVolume = programs.reduce((x, p) => x.plus(p.net.abs()), new Dec(0));
    if (!external.isZero()) this.tally.orders++;
    this.tally.externalVolume = this.tally.externalVolume.plus(external.abs());
    this.tally.internalizedVolume = this.tally.internalizedVolume.plus(grossVolume.minus(net.abs()));
    this.tally.externalSpread = this.tally.externalSpread.plus(externalSpread);
    this.tally.houseSpread = this.tally.houseSpread.plus(this.signedSpread(symbol, house, midSeen.minus(price.value)));
    return { time, symbol, side, price, programs, net, house, external, externalSpread };
  }

  /** Signed volume × (mid − price) × contract size, USD: what a fill got against the mid (a buy below it gains). */
  private signedSpread(symbol: string, volume: Dec, midMinusPrice: Dec): Money {
    if (volume.isZero()) return Money.zero;
    return this.market.quoteToUsd(symbol, volume.times(midMinusPrice).times(this.market.instrument(symbol).contractSize));
  }

  /** |volume| × |price − mid| × contract size, USD: what an external order pays against the mid. */
  private spreadCost(symbol: string, volume: Dec, fromMid: Dec): Money {
    return this.signedSpread(symbol, volume.abs(), fromMid.abs());
  }

  /** Signed volume the house holds in a symbol (buy positive). */
  houseExposure(symbol: string): Dec {
    return (this.house.get(symbol) ?? []).reduce((x, l) => x.plus(l.volume.times(sideSign(l.side))), new Dec(0));
  }

  /** The house's open residual valued where it would close now, USD. */
  houseFloating(): Money {
    let m = Money.zero;
    for (const [symbol, lots] of this.house) {
      for (const l of lots) m = m.plus(this.lotProfit(symbol, l, l.volume, this.market.mark(symbol, l.side)));
    }
    return m;
  }

  /** The P&L of `volume` of a house lot closed at `close`, USD (instrument.ts quoteProfit, converted). */
  private lotProfit(symbol: string, lot: HouseLot, volume: Dec, close: Price): Money {
    return this.market.quoteToUsd(symbol, quoteProfit(this.market.instrument(symbol), lot.side, new Volume(volume), lot.openPrice, close));
  }

  /** Moves the house by `change` (signed) at `price`: closes its oldest opposite lots first, opens the rest. */
  private moveHouse(symbol: string, change: Dec, price: Price): void {
    if (change.isZero()) return;
    const lots = this.house.get(symbol) ?? [];
    let left = change;
    for (const l of lots) {
      if (left.isZero() || sideSign(l.side) * left.s >= 0) continue;
      const v = Dec.min(l.volume, left.abs());
      this.tally.residualRealized = this.tally.residualRealized.plus(this.lotProfit(symbol, l, v, price));
      l.volume = l.volume.minus(v);
      left = left.minus(v.times(-sideSign(l.side)));
    }
    const open = lots.filter((l) => !l.volume.isZero());
    if (!left.isZero()) open.push({ side: left.isPositive() ? 'buy' : 'sell', volume: left.abs(), openPrice: price });
    this.house.set(symbol, open);
  }
}
