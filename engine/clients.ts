// Self-trading clients (DOMAIN §8): accounts outside the program that trade on their own at the
// quote, not through the executive account; their volume earns rebates for whoever referred them.
import type { Side } from './instrument.js';
import { masterLotRule } from './master-orders.js';
import { type Parts, type ProgramState, type Referral, SYSTEM_ACCOUNTS } from './program-state.js';
import { fillPrice, markPrice } from './quotes.js';
import type { ServerTime } from './time.js';
import { Money, Volume } from './values.js';

export class Clients {
  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /**
   * A self-trading client (not in the program): its own account, funded with `deposit`, trading
   * on its own at the quote. Its volume earns rebates for whoever referred it.
   */
  openClient(time: ServerTime, id: string, deposit: Money, referral: Referral): void {
    this.p.execution.flush();
    this.s.clients.set(id, referral);
    const account = `client:${id}`;
    this.s.openAccount(account, 'client', {});
    if (referral.swapFree) this.s.swapFreeAccounts.add(account);
    this.s.post(time, SYSTEM_ACCOUNTS.external, account, deposit, 'deposit', id);
    this.s.emit({ time, kind: 'client-joined', account, amount: deposit, reason: `self-trading client${referral.referredBy ? ` referred by ${referral.referredBy}` : ''}` });
    this.s.emit({ time, kind: 'deposit', account, amount: deposit, reason: 'client deposit' });
  }

  /** A client's market order: fills at once at the quote (buy at ask, sell at bid), not through the executive account. */
  clientOpen(time: ServerTime, client: string, ticket: string, symbol: string, side: Side, volume: Volume): void {
    this.p.execution.flush();
    const acc = this.s.accounts.get(`client:${client}`);
    if (!acc) return this.p.orders.rejectOrder(time, ticket, symbol, `no client ${client}`);
    const q = this.s.quotes.get(symbol);
    if (!q) return this.p.orders.rejectOrder(time, ticket, symbol, `no price for ${symbol} yet`);
    // As for a master order: its costs and profit are booked in USD, which needs the converting quote.
    const unconverted = this.p.orders.noConversionQuote(symbol);
    if (unconverted) return this.p.orders.rejectOrder(time, ticket, symbol, unconverted);
    const lotRule = masterLotRule(this.s.instrument(symbol), volume) ?? this.p.margin.marginShortfall(acc, symbol, side, volume);
    if (lotRule) return this.p.orders.rejectOrder(time, ticket, symbol, lotRule);
    this.p.execution.fill(time, { kind: 'open', account: acc.id, masterTicket: ticket, symbol, side, volume, exact: volume.value }, fillPrice(q, side));
  }

  /** Closes a client's position in full at the quote. */
  clientClose(time: ServerTime, client: string, ticket: string): void {
    this.p.execution.flush();
    const p = this.s.accounts.get(`client:${client}`)?.positions.find((x) => x.masterTicket === ticket);
    if (!p) return this.p.orders.rejectOrder(time, ticket, undefined, `client ${client} has no open position ${ticket}`);
    this.p.execution.fill(time, { kind: 'close', position: p, volume: p.volume, cause: 'client-close' }, markPrice(this.s.quotes.require(p.symbol), p.side));
  }
}
