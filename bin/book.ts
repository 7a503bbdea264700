// The commands on a broker's book (docs/book.md): `run`, `compare` and `validate` take a book file
// (a scenario with `programs`) as they take a scenario, with the book's own output and summary.
import { InputError } from '../sim/input-error.js';
import type { ScenarioWarning } from '../sim/static-checks.js';
import type { LoadOptions } from '../sim/scenario.js';
import type { OutputOptions } from '../reports/output-dir.js';
import type { CommandLine } from './options.js';
import type { Terminal } from './terminal.js';

/** What the book commands share with the scenario commands in cli.ts. */
export interface BookCommandContext {
  readonly load: LoadOptions;
  readonly output: () => OutputOptions;
  readonly heed: (warnings: readonly ScenarioWarning[]) => void;
  readonly arg: (s: string) => string;
  readonly strictRefusal: (warnings: readonly ScenarioWarning[]) => Error;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** Every program's static warnings, their paths into the book. */
async function bookWarnings(book: import('../sim/book.js').Book): Promise<ScenarioWarning[]> {
  const { staticChecks } = await import('../sim/static-checks.js');
  // A warning about a broker-wide default (or a variant's) names the program it is about.
  return book.programs.flatMap((p) => staticChecks(p.scenario).map((w) => (w.path.startsWith('/programs/') ? w : { ...w, message: `in program ${p.id}: ${w.message}` })));
}

/** Money to the cent for the terminal (summary.json has every digit). */
async function centsOf(): Promise<(text: string) => string> {
  const { cents } = await import('../reports/html.js');
  return (text) => {
    const c = cents(text);
    return typeof c === 'string' ? c : c.text;
  };
}

export async function runBookCommand(c: CommandLine, t: Terminal, x: BookCommandContext): Promise<void> {
  const [{ loadBook }, { BOOK_FILES, COMBINED_FILES, bookToDirectory }, { humanAmount }] = await Promise.all([import('../sim/book.js'), import('../sim/book-output.js'), import('../reports/html.js')]);
  const usd = await centsOf();
  const book = loadBook(c.scenario, x.load);
  x.heed(await bookWarnings(book));
  if (c.seeds !== undefined && !c.single) throw new InputError('--seeds', '', "a book has no Monte Carlo runs yet: run it at several --seed values, or one program as a scenario of its own");
  const r = bookToDirectory(book, c.out!, { ...x.output(), ...(c.equityRows ? { rows: c.equityRows } : {}), ...(c.investorPages ? { investorPages: c.investorPages } : {}), ...(c.pdf ? { pdf: true } : {}) });
  if (c.json) return t.out(`${JSON.stringify(r.summary, null, 2)}\n`);
  if (c.quiet) return;
  const s = r.summary, b = s.book;
  const width = Math.max(...s.leaderboard.map((l) => l.name.length), 8);
  t.out([
    `${s.scenario.name}: ${s.programs.length} programs, netting ${b.netting}`,
    'leaderboard (by the master\'s return):',
    ...s.leaderboard.map((l) => `  ${String(l.rank).padStart(2)}. ${l.name.padEnd(width)}  return ${pct(l.return).padStart(8)}  drawdown ${pct(l.maxDrawdown).padStart(7)}  AUM ${usd(l.aum).padStart(16)}  investors ${String(l.investors).padStart(5)}  fees ${usd(l.fees).padStart(12)}`),
    `broker net ${usd(b.revenue.net)}; less the external spread ${usd(b.revenue.externalSpread)} and the houses' residual spread ${usd(b.revenue.houseSpread)}: ${usd(b.revenue.netAfterExternalSpread)} after hedging (USD)`,
    ...(Object.keys(b.riskEvents).length ? [`risk events: ${Object.entries(b.riskEvents).map(([id, kinds]) => `${id} ${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`).join('; ')}`] : []),
    ...(b.accounts.length ? [`accounts outside the programs: ${b.accounts.map((a) => `${a.id} ${a.program ? `in ${a.program}` : `cash ${usd(a.cash)}`}`).join(', ')}`] : []),
    `market: ${b.market.externalOrders} external orders, ${humanAmount(b.market.externalVolume)} lots, for ${b.market.programOrders} program orders, ${humanAmount(b.market.programVolume)} lots (${humanAmount(b.market.internalizedVolume)} lots netted inside the book)`,
    `wrote ${[...BOOK_FILES, ...COMBINED_FILES].join(', ')} to ${x.arg(c.out!)}`,
  ].join('\n') + '\n');
}

export async function compareBookCommand(c: CommandLine, t: Terminal, x: BookCommandContext): Promise<void> {
  const [{ loadBookVariants }, { compareBookToDirectory }, { humanAmount }] = await Promise.all([import('../sim/book.js'), import('../sim/book-compare.js'), import('../reports/html.js')]);
  const usd = await centsOf();
  if (c.seeds !== undefined) throw new InputError('--seeds', '', 'a book has no Monte Carlo runs yet: compare runs each variant once, at the book\'s seed (or --seed)');
  const { base, variants } = loadBookVariants(c.scenario, x.load);
  if (variants.length === 0) throw new InputError(c.scenario, '/variants', 'compare runs a book\'s variants, and this book has none: add `variants: [{ name: per-program, netting: per-program }, …]`');
  x.heed((await Promise.all(variants.map((v) => bookWarnings(v.book)))).flat());
  const r = compareBookToDirectory(base, variants, c.out!, { ...x.output(), ...(c.equityRows ? { rows: c.equityRows } : {}) });
  if (c.json) return t.out(`${JSON.stringify({ rows: r.rows.map((row) => row.cells) }, null, 2)}\n`);
  if (c.quiet) return;
  const width = Math.max(...r.rows.map((row) => row.variant.length), 7);
  t.out([
    `${'variant'.padEnd(width)}  netting       external orders  external lots  netted lots  external spread   broker net  after spread`,
    ...r.rows.map((row) => {
      const k = row.cells;
      return `${row.variant.padEnd(width)}  ${k.netting.padEnd(12)}  ${k.external_orders.padStart(15)}  ${humanAmount(k.external_volume).padStart(13)}  ${humanAmount(k.internalized_volume).padStart(11)}  ${usd(k.external_spread).padStart(15)}  ${usd(k.broker_net).padStart(11)}  ${usd(k.net_after_external_spread).padStart(12)}`;
    }),
    `wrote comparison.csv and ${r.rows.length} variant books to ${x.arg(c.out!)}`,
  ].join('\n') + '\n');
}

export async function validateBookCommand(c: CommandLine, t: Terminal, x: BookCommandContext): Promise<void> {
  const [{ loadBookVariants }, { formatWarning }] = await Promise.all([import('../sim/book.js'), import('../sim/static-checks.js')]);
  const { base, variants } = loadBookVariants(c.scenario, x.load);
  const warnings = [...(await bookWarnings(base)), ...(await Promise.all(variants.map((v) => bookWarnings(v.book)))).flat()];
  const seen = new Set<string>();
  const unique = warnings.filter((w) => {
    const k = `${w.path}\n${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (c.strict && unique.length) throw x.strictRefusal(unique);
  if (!c.quiet) {
    const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
    t.out(`ok: ${base.name} (a book of ${n(base.programs.length, 'program')}, netting ${base.netting}: ${base.programs.map((p) => `${p.id} ${n(p.scenario.investors.length, 'investor')}, ${n(p.scenario.orders.length, 'order')}${p.scenario.strategy ? `, strategy ${p.scenario.strategy.name}` : ''}`).join('; ')}${base.admin.accounts.length ? `; ${n(base.admin.accounts.length, 'account')} outside the programs` : ''}${base.admin.events.length ? `, ${n(base.admin.events.length, 'admin operation')} (links, unlinks, allocation changes; fee changes are the programs' term changes)` : ''}${variants.length ? `; ${n(variants.length, 'variant')}` : ''})\n`);
  }
  if (unique.length === 0) return;
  t.out(`${unique.length} warning${unique.length === 1 ? '' : 's'}: the run goes ahead and rejects each with an event in events.csv; --strict refuses the book\n`);
  for (const w of unique) t.out(`warning: ${formatWarning(c.scenario, w)}\n`);
}
