// Admin operations on a broker's book (DOMAIN §12, seed 002's admin API; docs/book.md): client
// accounts outside every program (`accounts`, holding cash) and operations at stated times
// (`admin`): link an account to a program (it joins with all its cash, by the program's request
// rules, under open trades as any joining investor), unlink it (it leaves by the program's
// `onLeave`, and what is paid out returns to its cash), change a program's allocation method, or
// its fee rates (these become the program's own `termChanges`, read and applied as any).
//
// Read here, with every rule a run would otherwise break checked before anything runs; applied by
// the book's runner (sim/book-run.ts) as actions added to the programs' schedules.
import { Dec } from '../engine/decimal.js';
import type { Program } from '../engine/program.js';
import type { ServerTime } from '../engine/time.js';
import { formatServerTime } from '../engine/time.js';
import { Money } from '../engine/values.js';
import { allocationFamily } from '../engine/allocation.js';
import type { AllocationMethod } from '../engine/policies.js';
import { MANAGER } from '../engine/rebate.js';
import type { Json, Obj, Path } from './reader.js';
import { Reader } from './reader.js';
import { type ExtraAction, PRIORITY, requestActions, requestExecutesAt } from './runner.js';
import type { Scenario } from './scenario.js';

export interface AdminAccount {
  readonly id: string;
  readonly deposit: Money;
  readonly referredBy?: string;
}

export type AdminEvent =
  | { readonly action: 'link' | 'unlink'; readonly at: ServerTime; readonly account: string; readonly program: string; readonly model: 'mam' | 'pamm' }
  | { readonly action: 'allocation'; readonly at: ServerTime; readonly program: string; readonly allocation: AllocationMethod };

export interface BookAdmin {
  readonly accounts: readonly AdminAccount[];
  /** Links, unlinks and allocation changes in the order they are placed (fee changes are the programs' termChanges). */
  readonly events: readonly AdminEvent[];
}

/** The fields each operation takes. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  link: ['at', 'action', 'account', 'program', 'model'],
  unlink: ['at', 'action', 'account', 'program'],
  allocation: ['at', 'action', 'program', 'allocation'],
  fees: ['at', 'action', 'program', 'performanceFee', 'managementFee'],
};

/** Methods an admin change or a linked account may use: those that need nothing of each investor. */
const NO_TERMS: ReadonlySet<AllocationMethod> = new Set(['equity', 'balance', 'proportional']);

/**
 * The admin `fees` operations of each program, as the term changes they are: each program's
 * document gets them after its own, and a message about one names its place under `admin`.
 * Returns, per program id, the admin indices of the changes appended (in order).
 */
export function feeChanges(admin: readonly Obj[], docs: ReadonlyMap<string, Obj>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  admin.forEach((e, i) => {
    if (e.action !== 'fees' || typeof e.program !== 'string' || !docs.has(e.program)) return;
    const program = docs.get(e.program)!.program as Obj;
    const list = ((program.termChanges as Json[] | undefined) ?? []).slice();
    list.push({ at: e.at!, ...(e.performanceFee !== undefined ? { performanceFee: e.performanceFee } : {}), ...(e.managementFee !== undefined ? { managementFee: e.managementFee } : {}) });
    program.termChanges = list;
    out.set(e.program, [...(out.get(e.program) ?? []), i]);
  });
  return out;
}

/** Reads `accounts` and `admin` against the programs read already; throws InputError naming the path. */
export function readAdmin(top: Obj, file: string, lineOf: (path: ReadonlyArray<string | number>) => number | undefined, programs: ReadonlyMap<string, Scenario>, investorOf: ReadonlyMap<string, string>): BookAdmin {
  const r: Reader = new Reader(file, lineOf);
  const first = [...programs.values()][0]!;
  const partners = new Set(first.rebates?.partners.keys() ?? []);
  const accounts = ((top.accounts as Obj[] | undefined) ?? []).map((a, i): AdminAccount => {
    const path: Path = ['accounts', i];
    const id = a.id as string;
    const inProgram = investorOf.get(id);
    if (inProgram !== undefined) r.fail([...path, 'id'], `${id} is an investor of program ${inProgram}: an account outside the programs needs an id of its own`);
    const deposit = new Money(r.amount(a.deposit, [...path, 'deposit'], first.quantum, 'positive'));
    const referredBy = a.referredBy as string | undefined;
    if (referredBy !== undefined && referredBy !== MANAGER && !partners.has(referredBy)) r.fail([...path, 'referredBy'], `unknown referrer ${referredBy}: expected \`manager\` or a partner in rebates.partners${partners.size ? ` (${[...partners].join(', ')})` : ''}`);
    return { id, deposit, ...(referredBy !== undefined ? { referredBy } : {}) };
  });
  const byId = new Map<string, number>();
  accounts.forEach((a, i) => {
    if (byId.has(a.id)) r.fail(['accounts', i, 'id'], `account ${a.id} is listed twice`);
    byId.set(a.id, i);
  });
  const list = (top.admin as Obj[] | undefined) ?? [];
  const timed = list.map((e, i) => ({ e, i, at: r.time(e.at, ['admin', i, 'at'], first.zone) }));
  for (const { i, at } of timed) if (at < first.start || at > first.end) r.fail(['admin', i, 'at'], `expected a time between the start ${formatServerTime(first.start)} and the end ${formatServerTime(first.end)}, got ${formatServerTime(at)}`);
  // Placed in time order (the list's order among equal times): each account's links and unlinks are checked in that order.
  const ordered = [...timed].sort((a, b) => a.at - b.at || a.i - b.i);
  const allocation = new Map([...programs].map(([id, s]) => [id, s.allocation]));
  /** Per account: the program it is in (or is joining), its model, and when its join or leave executes. */
  const state = new Map<string, { program: string | null; model: 'mam' | 'pamm'; executes: ServerTime }>();
  /** Per account: the programs it has been in (a program takes an investor id once). */
  const been = new Map<string, Set<string>>();
  const events: AdminEvent[] = [];
  for (const { e, i, at } of ordered) {
    const path: Path = ['admin', i];
    // A field another operation takes is a mistake here, not something to ignore.
    for (const key of Object.keys(e)) {
      if (!FIELDS[e.action as string]!.includes(key)) r.fail([...path, key], `a ${e.action as string} operation takes ${FIELDS[e.action as string]!.join(', ')}; \`${key}\` belongs to another`);
    }
    const need = (key: string): string => {
      if (typeof e[key] !== 'string') r.fail(path, `a ${e.action as string} operation names its ${key}`);
      return e[key] as string;
    };
    const program = (): Scenario => {
      const id = need('program');
      const s = programs.get(id);
      if (!s) r.fail([...path, 'program'], `unknown program ${id}: expected one of ${[...programs.keys()].join(', ')}`);
      return s;
    };
    if (e.action === 'fees') {
      program();
      continue;
    }
    if (e.action === 'allocation') {
      const s = program();
      const method = e.allocation as AllocationMethod | undefined;
      if (method === undefined) r.fail(path, 'an allocation operation names its new method in `allocation`');
      const family = s.structure === 'block' ? 'split' : 'copy';
      if (allocationFamily(method) !== family) r.fail([...path, 'allocation'], `program ${e.program as string} is a ${s.structure} program: its methods are the ${family} family's (${family === 'split' ? 'equity or balance' : 'proportional'} here)`);
      allocation.set(e.program as string, method);
      events.push({ action: 'allocation', at, program: e.program as string, allocation: method });
      continue;
    }
    const account = need('account');
    if (!byId.has(account)) r.fail([...path, 'account'], `unknown account ${account}: expected an id in \`accounts\`${accounts.length ? ` (${accounts.slice(0, 8).map((a) => a.id).join(', ')}${accounts.length > 8 ? ', …' : ''})` : ''}`);
    const now = state.get(account);
    if (e.action === 'link') {
      const s = program();
      const id = e.program as string;
      const model = (e.model as 'mam' | 'pamm' | undefined) ?? 'mam';
      if (now?.program) r.fail(path, `account ${account} is in program ${now.program} at that time: unlink it first`);
      const joins = requestExecutesAt(model, at, s.policies.pammFlows, s.tradingWeek);
      // Strictly later: at the same instant the programs run in book order, and the cash might not be back yet.
      if (now && joins <= now.executes) r.fail([...path, 'at'], `account ${account}'s unlink executes at ${formatServerTime(now.executes)} and this link would at ${formatServerTime(joins)}: a link must execute after the cash is back`);
      if (model === 'pamm' && s.policies.pammDeposit === 'no-action') r.fail([...path, 'model'], `program ${id} holds PAMM deposits out of open trades (pammDeposit: no-action): linking an account into its pool is not supported yet`);
      if (been.get(account)?.has(id)) r.fail([...path, 'program'], `account ${account} was in program ${id} before: a program takes an investor id once, so it cannot rejoin`);
      if (model === 'pamm' && !s.pool) r.fail([...path, 'model'], `program ${id} has no PAMM pool: link the account as mam`);
      if (s.currencies.byAccount.size > 0) r.fail([...path, 'program'], `program ${id} holds accounts in other currencies than USD: an account's cash is USD, so it links only to a program all in USD`);
      if (model === 'mam' && !NO_TERMS.has(allocation.get(id)!)) r.fail(path, `program ${id} allocates by ${allocation.get(id)!} then, which needs each follower's terms: change its allocation first, or link the account as a PAMM member`);
      state.set(account, { program: id, model, executes: joins });
      been.set(account, (been.get(account) ?? new Set<string>()).add(id));
      events.push({ action: 'link', at, account, program: id, model });
    } else if (e.action === 'unlink') {
      if (!now?.program) r.fail(path, `account ${account} is in no program at that time: link it first`);
      if (e.program !== undefined && e.program !== now.program) r.fail([...path, 'program'], `account ${account} is in program ${now.program}, not ${e.program as string}`);
      if (at < now.executes) r.fail([...path, 'at'], `account ${account}'s link executes at ${formatServerTime(now.executes)}: it can leave only after it has joined`);
      const s = programs.get(now.program)!;
      state.set(account, { program: null, model: now.model, executes: requestExecutesAt(now.model, at, s.policies.pammFlows, s.tradingWeek) });
      events.push({ action: 'unlink', at, account, program: now.program, model: now.model });
    }
  }
  return { accounts, events };
}

/** The accounts' cash as the run goes, and the actions the admin events add to each program. */
export class AdminRun {
  /** Each account's cash outside the programs, USD. */
  readonly cash = new Map<string, Dec>();
  /** Where each account is at the end of what has run: a program's id, or null for outside every program. */
  readonly where = new Map<string, string | null>();
  /** The account whose leave is executing, and in which program: its withdrawals return to its cash. */
  private leaving: { account: string; program: string; detached: boolean } | undefined;
  /** The account whose join is executing, in which program, and whether the program took it. */
  private joining: { account: string; program: string; joined: boolean } | undefined;

  constructor(private readonly admin: BookAdmin) {
    for (const a of admin.accounts) {
      this.cash.set(a.id, a.deposit.value);
      this.where.set(a.id, null);
    }
  }

  /** The actions the admin events add to one program's schedule. */
  actions(program: string, s: Scenario): ExtraAction[] {
    const out: ExtraAction[] = [];
    const referral = new Map(this.admin.accounts.map((a) => [a.id, a.referredBy]));
    for (const e of this.admin.events) {
      if (e.program !== program) continue;
      if (e.action === 'allocation') {
        out.push({ time: e.at, priority: PRIORITY.termChange, label: `allocation ${e.allocation}`, apply: (p) => p.changeAllocation(e.at, e.allocation) });
      } else if (e.action === 'link') {
        out.push(...requestActions(s, e.model, e.at, e.account, `${e.account} link`, (p: Program, t: ServerTime) => {
          // All its cash goes in when the join executes; a join the program refuses (below its
          // minimum, say: the request-rejected event says why) leaves the cash where it was.
          const cash = this.cash.get(e.account)!;
          const by = referral.get(e.account);
          this.joining = { account: e.account, program, joined: false };
          try {
            p.join(t, e.account, e.model, new Money(cash), false, {}, by !== undefined ? { referredBy: by } : {});
            if (this.joining.joined) {
              this.cash.set(e.account, new Dec(0));
              this.where.set(e.account, program);
            }
          } finally {
            this.joining = undefined;
          }
        }));
      } else {
        out.push(...requestActions(s, e.model, e.at, e.account, `${e.account} unlink`, (p: Program, t: ServerTime) => {
          this.leaving = { account: e.account, program, detached: false };
          try {
            p.leave(t, e.account);
            // Detached (onLeave: detach, with trades open), it keeps them in the program's detached account.
            if (!this.leaving.detached) this.where.set(e.account, null);
          } finally {
            this.leaving = undefined;
          }
        }));
      }
    }
    return out;
  }

  /** A program's event: an unlinking account's pay-out returns to its cash; a linking account's join is taken. */
  event(program: string, kind: string, investor: string | undefined, amount: Money | undefined): void {
    if (kind === 'join' && this.joining?.program === program && this.joining.account === investor) this.joining.joined = true;
    if (kind === 'detach' && this.leaving?.program === program && this.leaving.account === investor) this.leaving.detached = true;
    if (kind !== 'withdrawal' || !amount || !this.leaving || this.leaving.program !== program || this.leaving.account !== investor) return;
    this.cash.set(investor, this.cash.get(investor)!.plus(amount.value));
  }
}
