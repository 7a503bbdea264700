// A printable, branded fee statement: one self-contained HTML page for one investor and one fee
// period (seed 002's branded fee statements), from one row of statements.csv and the run's
// summary. No script, no external asset (the logo comes inlined as a data: URI), every user
// string escaped, the same bytes for the same input; A4 print CSS so that a browser, or
// `--pdf` (reports/pdf.ts), prints it on one page with its colours.
import { createHash } from 'node:crypto';
import { Dec } from '../engine/decimal.js';
import type { Branding } from '../sim/scenario-branding.js';
import { MONTHS, cell, cents, esc, humanAmount } from './html.js';
import { OUTPUT_COLUMNS } from './run-writer.js';
import { explainPerformanceFee, feeTermsInWords } from './statement-fees.js';
import type { Summary } from './summary.js';

export type { Branding } from '../sim/scenario-branding.js';

/** What one statement page is made of. */
export interface StatementPageInput {
  /** One data row of statements.csv, its cells in `OUTPUT_COLUMNS.statements` order (exact decimal strings). */
  readonly row: readonly string[];
  /** The run's summary: the program's name, fee terms and policies, the precision, version and scenario hash. */
  readonly summary: Summary;
  /** The scenario's branding (`Scenario.branding`); without it the letterhead is plain, with the scenario's name. */
  readonly branding?: Branding;
  /** The currency of the investor's account; by default the one summary.json gives the investor, else USD. */
  readonly investorCurrency?: string;
}

type Column = (typeof OUTPUT_COLUMNS.statements)[number];
type Row = Readonly<Record<Column, string>>;

function rowOf(cells: readonly string[]): Row {
  const names = OUTPUT_COLUMNS.statements;
  if (cells.length !== names.length) throw new Error(`a statements.csv row has ${names.length} cells (${names.join(', ')}), got ${cells.length}`);
  return Object.fromEntries(names.map((n, i) => [n, cells[i]!])) as Row;
}


/** A server time `2024-03-01T00:05:00` as `1 Mar 2024, 00:05` (no locale, so the same bytes everywhere). */
export function readableTime(t: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(t);
  if (!m) return t;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}, ${m[4]}:${m[5]}`;
}

/** An amount in cents with separators; the exact value on hover where it has more digits. */
const amountHtml = (text: string): string => cell(cents(text));

/** A decimal's integer digits in groups of three, its decimals as given: a NAV to four places. */
function grouped(text: string): string {
  const [int = '0', frac] = text.split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
}

/** The exact value where it has more digits than cents, for the printed page's own column (hover does not print). */
function exactHtml(text: string): string {
  if (text === '') return '';
  const c = cents(text);
  return typeof c === 'string' || c.exact === c.text ? '' : esc(c.exact);
}

const HEX = /^#[0-9a-f]{6}$/i;
const LOGO = /^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/]*={0,2}$/;
/** The neutral letterhead: ink and a grey rule. */
const PLAIN = { primary: '#1b1f24', accent: '#8c959f' };

/** Colours only from `#rrggbb` (they go into CSS), whatever a library caller passes. */
function coloursOf(b: Branding | undefined): { primary: string; accent: string } {
  const c = b?.colors;
  return c && HEX.test(c.primary) && HEX.test(c.accent) ? { primary: c.primary.toLowerCase(), accent: c.accent.toLowerCase() } : PLAIN;
}

function modelWords(model: string, poolId: string | undefined): string {
  if (model === 'pamm') return `PAMM pool member${poolId ? ` (pool ${poolId})` : ''}`;
  if (model === 'mam') return 'MAM sub-account';
  return model;
}

function periodWords(period: string): string {
  if (period === 'exit') return 'Exit statement';
  if (period === 'exit (detach)') return 'Exit statement (detached account)';
  return `Fee period ${period}`;
}

/** Renders the statement page (see StatementPageInput). */
export function renderStatementPage(input: StatementPageInput): string {
  const r = rowOf(input.row);
  const s = input.summary;
  const who = s.investors.find((i) => String(i.id) === r.investor);
  const ccy = input.investorCurrency ?? (typeof who?.currency === 'string' ? who.currency : 'USD');
  const colours = coloursOf(input.branding);
  const firm = input.branding?.name ?? String(s.scenario.name);
  const logo = input.branding?.logo !== undefined && LOGO.test(input.branding.logo) ? input.branding.logo : undefined;
  const poolId = typeof s.pool?.id === 'string' ? s.pool.id : undefined;
  const manager = who?.manager === true;
  const exit = r.period.startsWith('exit');
  const fees = [r.entry_fees, r.management_fees, r.performance_fees, r.other_fees].reduce((x, f) => x.plus(f || '0'), new Dec(0));
  // The balancing figure: what the money did while invested, so the table adds up to the closing equity.
  const result = new Dec(r.closing_equity).minus(r.opening_equity).minus(r.deposits).plus(r.withdrawals).plus(fees).toFixed();
  const line = (label: string, value: string, cls = ''): string => `<tr${cls ? ` class="${cls}"` : ''}><th scope="row">${label}</th><td class="n">${value === '' ? '—' : amountHtml(value)}</td><td class="x">${exactHtml(value)}</td></tr>`;
  const group = (title: string): string => `<tr class="group"><th colspan="3" scope="rowgroup">${esc(title)}</th></tr>`;
  const precision = String(s.scenario.precision ?? '0.0000001');
  const explanation = explainPerformanceFee(s, {
    period: r.period, manager, markBasis: r.mark_basis, mark: r.high_water_mark, gain: r.gain, withdrawals: r.withdrawals, performanceFees: r.performance_fees, precision,
  }, r.to, esc, amountHtml);
  const markName = r.mark_basis === 'equity' ? 'High-water mark' : 'Cumulative-result mark';
  const units = r.model === 'pamm' && r.units !== ''
    ? `${group('Pool units')}
<tr><th scope="row">Units held after the period</th><td class="n">${esc(humanAmount(r.units))}</td><td class="x"></td></tr>
<tr><th scope="row">NAV per unit at the period end</th><td class="n">${r.nav === '' ? '—' : `<span title="${esc(r.nav)}">${esc(grouped(new Dec(r.nav).toDecimalPlaces(4, Dec.ROUND_HALF_UP).toFixed(4)))}</span>`}</td><td class="x">${r.nav === '' || new Dec(r.nav).decimalPlaces() <= 4 ? '' : esc(r.nav)}</td></tr>`
    : '';
  const hash = String(s.scenario.hash ?? '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="date" content="${esc(r.to)}">
<title>${esc(periodWords(r.period))} · ${esc(r.investor)} · ${esc(firm)}</title>
<style>
@page{size:A4;margin:15mm}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#e9ebee;color:#1b1f24;font:9.5pt/1.35 "Helvetica Neue",Helvetica,Arial,"Liberation Sans",sans-serif}
.sheet{box-sizing:border-box;width:210mm;min-height:297mm;margin:8mm auto;padding:15mm;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.25)}
header{display:flex;align-items:center;gap:5mm;padding-bottom:3mm;border-bottom:1.2mm solid ${colours.primary};box-shadow:0 .8mm 0 ${colours.accent}}
header img{max-height:16mm;max-width:45mm}
.firm{min-width:0;overflow-wrap:anywhere;font-size:15pt;font-weight:700;color:${colours.primary};letter-spacing:.02em}
.doc{margin-left:auto;text-align:right;color:#57606a;white-space:nowrap}.doc b{display:block;font-size:12pt;color:${colours.primary}}
.parties{display:grid;grid-template-columns:1fr 1fr;gap:1.5mm 8mm;margin:5mm 0 4mm}
.parties div span{display:block;font-size:8pt;text-transform:uppercase;letter-spacing:.06em;color:#57606a}
.parties div b{font-size:11pt;overflow-wrap:anywhere}
h2{font-size:10.5pt;margin:4mm 0 1.5mm;color:${colours.primary}}
table{width:100%;border-collapse:collapse;break-inside:avoid;page-break-inside:avoid}
th,td{padding:.55mm 2mm;border-bottom:.2mm solid #d8dee4;text-align:left;font-weight:400}
thead th{background:${colours.primary};color:#fff;font-weight:600}
tr.group th{background:#f3f4f6;font-weight:600;border-top:.4mm solid ${colours.accent}}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;width:32mm}
td.x{text-align:right;font-size:8pt;color:#57606a;font-variant-numeric:tabular-nums;white-space:nowrap;width:34mm}
tr.total th,tr.total td.n{font-weight:700;border-top:.5mm solid ${colours.primary}}
.why{break-inside:avoid;page-break-inside:avoid}.why p{margin:1mm 0}
ul.terms{margin:1mm 0;padding-left:5mm;font-size:8.5pt;line-height:1.3}ul.terms li{margin:.3mm 0}
footer{margin-top:5mm;padding-top:2mm;border-top:.3mm solid ${colours.accent};font-size:8pt;color:#57606a}
footer p{margin:.8mm 0}.legal{color:#1b1f24}
@media print{body{background:#fff}.sheet{width:auto;min-height:0;margin:0;padding:0;box-shadow:none}}
</style>
</head>
<body>
<div class="sheet">
<header>
${logo ? `<img src="${esc(logo)}" alt="${esc(firm)}">` : ''}
<div class="firm">${esc(firm)}</div>
<div class="doc"><b>${exit ? 'Exit statement' : 'Fee statement'}</b>${esc(exit ? readableTime(r.to) : `period ${r.period}`)}</div>
</header>
<section class="parties">
<div><span>Investor</span><b>${esc(r.investor)}</b></div>
<div><span>Account</span><b>${esc(modelWords(r.model, poolId))}${manager ? ' · the manager' : ''} · ${esc(ccy)}</b></div>
<div><span>Program</span><b>${esc(String(s.scenario.name))}</b></div>
<div><span>Period</span><b>${esc(readableTime(r.from))} to ${esc(readableTime(r.to))}</b></div>
</section>
<table>
<thead><tr><th scope="col">Account · ${esc(periodWords(r.period).toLowerCase())}</th><th scope="col" class="n">${esc(ccy)}</th><th scope="col" class="n">exact</th></tr></thead>
<tbody>
${line('Opening equity', r.opening_equity)}
${line('Deposits', r.deposits)}
${line('Withdrawals paid out', r.withdrawals)}
${line('Investment result (the balancing figure)', result)}
${line('Entry fees', r.entry_fees)}
${line('Management fees', r.management_fees)}
${line('Performance fees', r.performance_fees)}
${line('Other fees (subscription, volume)', r.other_fees)}
${line('Closing equity', r.closing_equity, 'total')}
${group('Performance fee assessment')}
${line(`${markName} assessed`, r.high_water_mark)}
${line(`Gain above the mark${exit ? ' at the exit' : ' at the period end'}`, r.gain)}
${line(exit ? `${markName} after the exit (none: the investor left)` : `${markName} after the period`, r.mark_after)}
${units}
</tbody>
</table>
<section class="why">
<h2>How the performance fee was computed</h2>
${explanation.lines.map((l) => `<p>${l}</p>`).join('\n')}
</section>
<section class="why">
<h2>The program's fee terms</h2>
<ul class="terms">
${feeTermsInWords(s, amountHtml).map((t) => `<li>${t}</li>`).join('\n')}
</ul>
</section>
<footer>
${input.branding?.footer ? `<p class="legal">${esc(input.branding.footer)}</p>` : ''}
<p>Amounts in ${esc(ccy)}, in cents; the exact column gives every digit where there are more (statements.csv keeps them all). Times are server time (${esc(String(s.scenario.serverTime ?? ''))}). Investment result: closing equity − opening equity − deposits + withdrawals + fees.</p>
<p>Simulated by mamlab ${esc(s.mamlab.version)} · scenario ${esc(String(s.scenario.file ?? ''))} sha256 ${esc(hash.slice(0, 16))}… · seed ${esc(String(s.scenario.seed ?? ''))}</p>
</footer>
</div>
</body>
</html>
`;
}

/** Longest statement file name in bytes: well inside every file system's 255 and leaves room for `.pdf`. */
export const MAX_STATEMENT_NAME_BYTES = 200;

/**
 * A part of a file name that stands for one string and only that one: lower-case letters,
 * digits, `.` and `-` stay, every other UTF-8 byte is `~` and two hex digits (`A` → `~41`,
 * `_` → `~5f`, a space `~20`). Upper case is escaped too, so two ids differing only in case stay
 * two files on the case-insensitive file systems of macOS and Windows.
 */
export function encodeNamePart(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[a-z0-9.-]/.test(c) ? c : `~${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The inverse of encodeNamePart. */
export function decodeNamePart(part: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < part.length; i++) {
    if (part[i] === '~') {
      bytes.push(parseInt(part.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(part.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The statement's file name, `statement-<investor>_<period>.html`, each part encoded by
 * encodeNamePart (so `_`, which the encoding never leaves, separates them and the name decodes
 * back to both). Ids the scenario schema allows always fit; a name that would pass
 * MAX_STATEMENT_NAME_BYTES is cut and ends in `~~` and 16 hex digits of a SHA-256 of both
 * strings instead: still unique and deterministic, no longer reversible.
 */
export function statementFileName(investorId: string, period: string): string {
  const name = `statement-${encodeNamePart(investorId)}_${encodeNamePart(period)}`;
  if (name.length + '.html'.length <= MAX_STATEMENT_NAME_BYTES) return `${name}.html`;
  const digest = createHash('sha256').update(JSON.stringify([investorId, period])).digest('hex').slice(0, 16);
  return `${name.slice(0, MAX_STATEMENT_NAME_BYTES - '.html'.length - 18)}~~${digest}.html`;
}
