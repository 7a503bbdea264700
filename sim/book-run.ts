// Runs a broker's book (DOMAIN §12, docs/book.md): every program steps through the same instants
// in lockstep (sim/runner.ts ProgramRun), each with its own sink, and the book's desk
// (engine/book-desk.ts) sees every program's executive orders; at the end of each instant it sends
// the book's external orders. Netting `per-program` leaves every program exactly as it runs alone.
import { BookDesk, type BookOrder } from '../engine/book-desk.js';
import { Dec } from '../engine/decimal.js';
import { markPrice, mid } from '../engine/quotes.js';
import { roundToQuantum } from '../engine/quantum.js';
import { Money } from '../engine/values.js';
import type { EngineEvent, EngineSink } from '../engine/events.js';
import { AdminRun } from './book-admin.js';
import type { ExternalOrder } from '../engine/executive.js';
import type { Program } from '../engine/program.js';
import { type ServerTime, endsDay } from '../engine/time.js';
import type { Book, BookProgram } from './book.js';
import { ProgramRun, type RunHooks } from './runner.js';

export interface BookRunHooks {
  /** After every quote or action of a program (invariant checks in tests). */
  afterEach?(program: string, label: string, time: ServerTime, p: Program): void;
  /** After every instant of the book, with the external orders the desk sent at it and whether it ends a server day. */
  afterInstant?(time: ServerTime, orders: readonly BookOrder[], endsDay: boolean, run: BookRun): void;
}

/** What one program runs with: its sink and hooks, and what sees the program first. */
export interface ProgramSetup {
  readonly sink: EngineSink;
  readonly hooks?: RunHooks;
  readonly attach?: (p: Program) => void;
  readonly exactRisk?: boolean;
}

export interface BookRun {
  readonly programs: ReadonlyArray<{ readonly id: string; readonly program: Program }>;
  readonly desk: BookDesk;
  /** The accounts outside the programs: their cash, and where each is. */
  readonly admin: AdminRun;
  /** The signed open volume in a symbol of every program's accounts through their executives (buy positive). */
  exposure(symbol: string): Dec;
  /** The house's residual in a symbol: the book's (netting broker-wide) or every program's house. */
  house(symbol: string): Dec;
}

/** A sink that tells the desk of every executive order, and the admin of every event, besides passing everything on. */
function deskSink(sink: EngineSink, onExecution: (time: ServerTime, o: ExternalOrder) => void, onEvent: (e: EngineEvent) => void): EngineSink {
  return {
    event: (e) => {
      sink.event(e);
      onEvent(e);
    },
    trade: (t) => sink.trade(t),
    execution: (time, o) => {
      sink.execution(time, o);
      onExecution(time, o);
    },
    ...(sink.statement ? { statement: (s) => sink.statement!(s) } : {}),
    ...(sink.cost ? { cost: (c) => sink.cost!(c) } : {}),
    ...(sink.rebate ? { rebate: (r) => sink.rebate!(r) } : {}),
  };
}

/** Runs the book to its end; `setup` gives each program its sink and hooks. */
export function runBook(book: Book, setup: (bp: BookProgram) => ProgramSetup, hooks: BookRunHooks = {}): BookRun {
  const first = book.programs[0]!.scenario;
  // The programs run on the same prices: the first's quote book is the market's. Conversions to
  // USD at its exact mid of the moment (a conversion pair's bar path differs between programs only
  // in the order its extremes come).
  const market = (): Program => runs[0]!.run.program;
  const desk = new BookDesk(book.netting, {
    instrument: (symbol) => first.instruments.get(symbol)!,
    quoteToUsd: (symbol, amount) => new Money(roundToQuantum(amount.times(market().rate(first.instruments.get(symbol)!.quote, 'USD')), first.quantum)),
    mark: (symbol, side) => markPrice(market().quotes.require(symbol), side),
  });
  const admin = new AdminRun(book.admin);
  const runs = book.programs.map((bp) => {
    const s = setup(bp);
    const toAdmin = (e: EngineEvent): void => {
      admin.event(bp.id, e.kind, e.investor, e.amount);
    };
    // The desk learns each order with the mid its own program saw then.
    const run: ProgramRun = new ProgramRun(bp.scenario, deskSink(s.sink, (time, o) => desk.record(bp.id, time, o, mid(run.program.quotes.require(o.symbol))), toAdmin), {
      ...s.hooks,
      afterEach: (label, time, p) => {
        s.hooks?.afterEach?.(label, time, p);
        hooks.afterEach?.(bp.id, label, time, p);
      },
    }, s.attach, { exactRisk: s.exactRisk ?? false, residual: book.netting === 'broker-wide' ? 'book' : 'house', extra: admin.actions(bp.id, bp.scenario) });
    return { id: bp.id, run };
  });
  const exposure = (symbol: string): Dec => runs.reduce((x, r) => x.plus(r.run.program.executiveExposure().get(symbol) ?? new Dec(0)), new Dec(0));
  const house = (symbol: string): Dec => (book.netting === 'broker-wide' ? desk.houseExposure(symbol) : runs.reduce((x, r) => x.plus(r.run.program.houseExposure(symbol)), new Dec(0)));
  const nextOf = (): ServerTime | undefined => {
    let t: ServerTime | undefined;
    for (const r of runs) {
      const n = r.run.next();
      if (n !== undefined && (t === undefined || n < t)) t = n;
    }
    return t;
  };
  const view: BookRun = { programs: runs.map((r) => ({ id: r.id, program: r.run.program })), desk, admin, exposure, house };
  for (let now = nextOf(); now !== undefined;) {
    // Programs in book order: each runs the whole instant, then the desk nets what they executed in it.
    for (const r of runs) if (r.run.next() === now) r.run.step(now);
    const orders = desk.endInstant(now, exposure);
    const next = nextOf();
    hooks.afterInstant?.(now, orders, endsDay(now, next), view);
    now = next;
  }
  return view;
}
