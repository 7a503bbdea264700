// Benchmark (not a test): the exact conserving split across 1,000 / 10,000 / 100,000
// sub-accounts, beside a plain float64 loop over the same weights as the floor.
// Run with `npm run bench`; the table it prints goes into docs/performance.md.
import b from 'benny';
import { cpus } from 'node:os';
import { Dec } from '../../engine/decimal.js';
import { DEFAULT_QUANTUM } from '../../engine/quantum.js';
import { splitAmount, splitQuanta } from '../../engine/split.js';
import { splitQuantaF64 } from '../../engine/split-fast.js';
import { stream } from '../../sim/rng.js';

const SIZES = [1_000, 10_000, 100_000];
const TOTAL = 1_234_567_891n; // 123.4567891 lots in 1e-7 quanta

/** Equities from $100 to $1,000,000 at 1e-7, seeded, as whole quanta. */
function equities(n: number): bigint[] {
  const r = stream(1, `bench:${n}`);
  return Array.from({ length: n }, () => BigInt(Math.floor((100 + r.next() * 999_900) * 1e7)));
}

interface Row { name: string; n: number; kind: string; medianMs: number; opsPerSec: number; samples: number }
const rows: Row[] = [];

async function suiteFor(n: number): Promise<void> {
  const w = equities(n);
  const wf = Float64Array.from(w, (x) => Number(x));
  const Wf = wf.reduce((a, x) => a + x, 0);
  const totalF = Number(TOTAL);
  const out = new Float64Array(n);
  const wd = w.map((x) => new Dec(x.toString()).div(1e7));
  const totalD = new Dec(TOTAL.toString()).div(1e7);
  const cases = [
    b.add(`float64 floor n=${n}`, () => { for (let i = 0; i < n; i++) out[i] = (totalF * wf[i]!) / Wf; }),
    b.add(`exact split, float64 kernel n=${n}`, () => { splitQuantaF64(totalF, wf, 'largest-remainder'); }),
    b.add(`exact split, bigint reference n=${n}`, () => { splitQuanta(TOTAL, w, 'largest-remainder'); }),
  ];
  if (n <= 10_000) cases.push(b.add(`exact split, Decimal in and out n=${n}`, () => { splitAmount(totalD, wd, DEFAULT_QUANTUM, 'largest-remainder'); }));
  await b.suite(
    `split n=${n}`,
    ...cases,
    b.cycle(() => undefined),
    b.complete((summary) => {
      for (const r of summary.results) {
        rows.push({ name: r.name, n, kind: r.name.split(' n=')[0]!, medianMs: r.details.median * 1000, opsPerSec: r.ops, samples: r.samples });
      }
    }),
  );
}

for (const n of SIZES) await suiteFor(n);

console.log(`\nmachine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}`);
console.log('| sub-accounts | case | median per split | ratio to float64 floor | samples |');
console.log('|---:|---|---:|---:|---:|');
for (const n of SIZES) {
  const floor = rows.find((r) => r.n === n && r.kind === 'float64 floor')!;
  for (const r of rows.filter((x) => x.n === n)) {
    console.log(`| ${n.toLocaleString('en-US')} | ${r.kind} | ${r.medianMs.toFixed(3)} ms | ${(r.medianMs / floor.medianMs).toFixed(1)}× | ${r.samples} |`);
  }
}
