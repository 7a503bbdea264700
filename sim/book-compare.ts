// `mamlab compare` of a broker's book (docs/book.md): each variant of the book (another netting
// policy, other broker-wide policies, costs, rebates or stress) runs as a book into its own
// folder, and comparison.csv puts the book's figures side by side, one row per variant. The
// variants run one after another in this process: a book's programs already share one run.
import { join } from 'node:path';
import { CsvWriter } from '../reports/csv.js';
import type { BookSummary } from '../reports/book-summary.js';
import { type OutputOptions, withOutputSync } from '../reports/output-dir.js';
import { markResult } from '../reports/output-marker.js';
import type { Book } from './book.js';
import type { EquityRows } from '../reports/run-writer.js';
import { writeBookFiles } from './book-output.js';
import { mkdirSync } from 'node:fs';

/** comparison.csv of a book: the book's figures per variant (money in USD on the quantum, volumes in lots). */
export const BOOK_COMPARISON_COLUMNS = [
  'variant', 'netting', 'program_orders', 'program_volume', 'external_orders', 'external_volume', 'internalized_volume', 'external_spread',
  'broker_net', 'net_after_external_spread', 'residual_realized', 'residual_floating', 'negative_balance', 'aum', 'investors', 'manager_fees', 'leader',
] as const;

export interface BookComparisonRow {
  readonly variant: string;
  readonly cells: Readonly<Record<(typeof BOOK_COMPARISON_COLUMNS)[number], string>>;
}

function row(name: string, s: BookSummary): BookComparisonRow {
  const b = s.book;
  return {
    variant: name,
    cells: {
      variant: name, netting: b.netting,
      program_orders: String(b.market.programOrders), program_volume: b.market.programVolume,
      external_orders: String(b.market.externalOrders), external_volume: b.market.externalVolume,
      internalized_volume: b.market.internalizedVolume, external_spread: b.market.externalSpread,
      broker_net: b.revenue.net, net_after_external_spread: b.revenue.netAfterExternalSpread,
      residual_realized: b.residual.total.realized, residual_floating: b.residual.total.floating,
      negative_balance: b.negativeBalanceAbsorbed.total, aum: b.aum.total, investors: String(b.aum.investors),
      manager_fees: b.managerFees.total, leader: s.leaderboard[0]?.id ?? '',
    },
  };
}

export interface BookComparison {
  readonly rows: readonly BookComparisonRow[];
  readonly summaries: ReadonlyMap<string, BookSummary>;
}

/** Runs every variant of a book into `outDir` (variant-NAME/ each) and writes comparison.csv. */
export function compareBookToDirectory(base: Book, variants: ReadonlyArray<{ name: string; book: Book }>, outDir: string, opts: OutputOptions & { readonly rows?: EquityRows } = {}): BookComparison {
  const inputs = [...new Set(variants.flatMap((v) => v.book.inputs))];
  return withOutputSync({ target: outDir, command: 'compare', scenarioHash: base.hash, inputs, onNote: opts.onNote }, (dir) => {
    const summaries = new Map<string, BookSummary>();
    const rows: BookComparisonRow[] = [];
    for (const v of variants) {
      const sub = join(dir, `variant-${v.name}`);
      mkdirSync(sub, { recursive: true });
      const s = writeBookFiles(v.book, sub, opts.rows ? { rows: opts.rows } : {});
      markResult(sub, { command: 'run', scenarioHash: v.book.hash });
      summaries.set(v.name, s);
      rows.push(row(v.name, s));
    }
    const csv = new CsvWriter(join(dir, 'comparison.csv'), BOOK_COMPARISON_COLUMNS);
    for (const r of rows) csv.row(BOOK_COMPARISON_COLUMNS.map((c) => r.cells[c]));
    csv.close();
    return { rows, summaries };
  });
}
