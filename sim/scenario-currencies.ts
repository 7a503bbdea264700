// Account currencies (DOMAIN §1): which currency each account of a scenario holds, read from
// `program.currency`, `program.pamm.currency`, `investors[i].currency`, `clients[i].currency` and
// `rebates.partners[i].currency`, every one defaulting to the program's (USD by default). Checked
// here, before a run: every currency an account holds must be reachable from every traded
// instrument's quote currency and from USD (costs and rebates are reckoned in USD) through the
// scenario's instruments, directly or through USD; a block's parts share the block's currency
// (one account at the broker holds all of them); a pool's members hold the pool's.
import type { Instrument } from '../engine/instrument.js';
import { BASE_CURRENCY } from '../engine/journal.js';
import { SYSTEM_ACCOUNTS } from '../engine/program-state.js';
import { findConversionVia } from '../engine/quotes.js';
import type { Json, Obj, Path, Reader } from './reader.js';

/** Each account's currency by journal account id (`master` stands for the program's), and the program's. */
export interface ScenarioCurrencies {
  readonly program: string;
  /** Every account that holds another currency than USD; empty when all hold USD. */
  readonly byAccount: ReadonlyMap<string, string>;
}

export function readCurrencies(r: Reader, doc: Obj, instruments: ReadonlyMap<string, Instrument>, poolId: string | undefined, structure: 'signal' | 'block'): ScenarioCurrencies {
  const program = doc.program as Obj;
  const all = new Map<string, { readonly currency: string; readonly path: Path }>();
  const programCcy = (program.currency as string | undefined) ?? BASE_CURRENCY;
  const programPath: Path = ['program', 'currency'];
  all.set(SYSTEM_ACCOUNTS.master, { currency: programCcy, path: programPath });
  const pool = program.pamm as Obj | undefined;
  const poolCcy = (pool?.currency as string | undefined) ?? programCcy;
  if (poolId !== undefined) {
    const path: Path = pool?.currency === undefined ? programPath : ['program', 'pamm', 'currency'];
    if (structure === 'block' && poolCcy !== programCcy) r.fail(path, `a block program's parts hold the block's currency: the pool must hold ${programCcy} (program.currency), not ${poolCcy}`);
    all.set(poolId, { currency: poolCcy, path });
  }
  ((doc.investors as Obj[] | undefined) ?? []).forEach((o, i) => {
    const own = o.currency as string | undefined;
    const path: Path = ['investors', i, 'currency'];
    if (o.model === 'pamm') {
      if (own !== undefined && own !== poolCcy) r.fail(path, `a PAMM member holds the pool's currency ${poolCcy}: give none or ${poolCcy}, not ${own}`);
      return;
    }
    const ccy = own ?? programCcy;
    if (structure === 'block' && ccy !== programCcy) r.fail(path, `a block program's parts hold the block's currency: this sub-account must hold ${programCcy} (program.currency), not ${ccy}`);
    all.set(`mam:${String(o.id)}`, { currency: ccy, path: own === undefined ? programPath : path });
  });
  const named = (list: Json | undefined, prefix: string, section: Path): void => {
    ((list as Obj[] | undefined) ?? []).forEach((o, i) => {
      const own = o.currency as string | undefined;
      all.set(`${prefix}${String(o.id)}`, { currency: own ?? programCcy, path: own === undefined ? programPath : [...section, i, 'currency'] });
    });
  };
  named(doc.clients, 'client:', ['clients']);
  named((doc.rebates as Obj | undefined)?.partners, 'ib:', ['rebates', 'partners']);
  const byAccount = new Map<string, string>();
  for (const [id, { currency, path }] of all) {
    if (currency === BASE_CURRENCY) continue;
    byAccount.set(id, currency);
    for (const from of [BASE_CURRENCY, ...new Set([...instruments.values()].map((x) => x.quote))]) {
      if (findConversionVia(from, currency, instruments)) continue;
      r.fail(path, `an account in ${currency} needs an instrument that converts ${from} to it (a ${currency}${from} or ${from}${currency} pair, or pairs of both with USD) in the scenario's instruments`);
    }
  }
  return { program: programCcy, byAccount };
}
