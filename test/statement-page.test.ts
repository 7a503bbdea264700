// Printable investor statements (issue 17 item 6): the page from a hand-written statements.csv
// row, its fee arithmetic redone by hand, escaping, file names, the scenario's `branding`
// section (schema, logo, hashes, no booked value moved) and the PDF through Chromium.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES, type Policies } from '../engine/policies.js';
import { PdfError, fixPdf, pageDate, printPdfs } from '../reports/pdf.js';
import { type StatementPageInput, decodeNamePart, encodeNamePart, renderStatementPage, statementFileName } from '../reports/statement-page.js';
import type { Summary } from '../reports/summary.js';
import { InputError } from '../sim/input-error.js';
import { runToDirectory } from '../sim/run-output.js';
import { MAX_LOGO_BYTES, logoMediaType } from '../sim/scenario-branding.js';
import { loadScenario } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mamlab-statement-'));

/** The run summary of seed 001, its program and policies replaced as a test needs. */
let base: Summary;
beforeAll(() => {
  base = runToDirectory(scenarioPath('seed001-profit-distribution.json'), join(tmp(), 'run')).summary;
});

function summaryWith(program: Record<string, unknown> = {}, policies: Partial<Policies> = {}, investors: Summary['investors'] = []): Summary {
  return {
    ...base,
    scenario: { ...base.scenario, name: 'Test program', precision: '0.0000001' },
    program: { ...base.program, performanceFee: '0.2', performanceFeeTiers: null, managementFee: null, entryFee: '0', subscriptionFee: null, volumeFee: null, termChanges: [], ...program },
    policies: { ...DEFAULT_POLICIES, ...policies },
    investors: [{ id: 'inv-1', model: 'mam', currency: 'USD', manager: false }, ...investors],
  };
}

/** A statements.csv row by column name (OUTPUT_COLUMNS.statements order), zeros where not given. */
function row(c: Partial<Record<string, string>>): string[] {
  const cols = ['investor', 'model', 'period', 'from', 'to', 'opening_equity', 'deposits', 'withdrawals', 'high_water_mark', 'gain', 'entry_fees', 'management_fees', 'performance_fees', 'other_fees', 'closing_equity', 'mark_after', 'mark_basis', 'units', 'nav'];
  const dflt: Record<string, string> = { investor: 'inv-1', model: 'mam', period: '2024-03', from: '2024-03-01T00:05:00', to: '2024-04-01T00:05:00', mark_basis: 'equity', units: '', nav: '' };
  return cols.map((k) => c[k] ?? dflt[k] ?? '0.0000000');
}

// Opening 12,000 + deposit 1,765.44 = the mark 13,765.44; the equity at the period end 15,000.00 is
// 1,234.56 above it; 20% of 1,234.56 = 246.912; closing 15,000 − 246.912 = 14,753.088.
const GAIN_ROW = row({
  opening_equity: '12000.0000000', deposits: '1765.4400000', high_water_mark: '13765.4400000', gain: '1234.5600000',
  performance_fees: '246.9120000', closing_equity: '14753.0880000', mark_after: '14753.0880000',
});

const page = (input: Partial<StatementPageInput> & { row: readonly string[] }): string => renderStatementPage({ summary: summaryWith(), ...input });

describe('the statement page from a statements.csv row', () => {
  it('shows the figures in cents with separators, the exact value on hover and in its column', () => {
    const html = page({ row: GAIN_ROW });
    expect(html).toContain('<th scope="row">Opening equity</th><td class="n">12,000.00</td><td class="x"></td>');
    expect(html).toContain('<th scope="row">Deposits</th><td class="n">1,765.44</td>');
    expect(html).toContain('<th scope="row">Performance fees</th><td class="n"><span title="246.912">246.91</span></td><td class="x">246.912</td>');
    expect(html).toContain('<th scope="row">Closing equity</th><td class="n"><span title="14,753.088">14,753.09</span></td><td class="x">14,753.088</td>');
    expect(html).toContain('<th scope="row">High-water mark assessed</th><td class="n">13,765.44</td>');
    // The balancing figure: 14,753.088 − 12,000 − 1,765.44 + 0 + 246.912 = 1,234.56.
    expect(html).toContain('<th scope="row">Investment result (the balancing figure)</th><td class="n">1,234.56</td>');
    expect(html).toContain('<b>inv-1</b>');
    expect(html).toContain('1 Mar 2024, 00:05 to 1 Apr 2024, 00:05');
  });

  it('explains the performance fee: 20% of the gain of 1,234.56 above the mark = 246.912, shown 246.91', () => {
    const html = page({ row: GAIN_ROW });
    expect(html).toContain('The equity at the period end was 1,234.56 above the high-water mark of 13,765.44.');
    expect(html).toContain('Fee: 20% × 1,234.56 = 246.912, exact at the booking precision; <span title="246.912">246.91</span> in cents.');
    expect(html).toContain('That is the period\'s performance fee, <span title="246.912">246.91</span>.');
  });

  it('rounds half away from zero to the precision and names what was charged at withdrawals', () => {
    // 20% × 1,000.0000003 = 200.00000006 → 200.0000001 at 7 decimals; booked 250.0000001, so 50.00 came earlier.
    const html = page({ row: row({ high_water_mark: '5000.0000000', gain: '1000.0000003', withdrawals: '1000.0000000', performance_fees: '250.0000001', closing_equity: '4750.0000002' }) });
    expect(html).toContain('Fee: 20% × 1,000.0000003 = 200.00000006, rounded half away from zero to the booking precision 0.0000001: 200.0000001;');
    expect(html).toContain('With 50.00 charged earlier in the period on withdrawals (pro-rata), the period\'s performance fees are <span title="250.0000001">250.00</span>.');
  });

  it('finds the rate a term change gave the investor from the booked fee', () => {
    const s = summaryWith({ termChanges: [{ at: '2024-03-15T00:00:00', performanceFee: '0.25', managementFee: null }] });
    // 25% × 1,000 = 250 exactly: the change's rate, not the program's 20%.
    const html = renderStatementPage({ summary: s, row: row({ high_water_mark: '5000.0000000', gain: '1000.0000000', performance_fees: '250.0000000', closing_equity: '5750.0000000' }) });
    expect(html).toContain('Fee: 25% × 1,000.00 = 250.00, exact at the booking precision');
    expect(html).toContain('From 2024-03-15T00:00:00: performance fee 25% (new members only).');
  });

  it('charges profit-band tiers band by band', () => {
    const s = summaryWith({ performanceFee: '0', performanceFeeTiers: { basis: 'profit', tiers: [{ from: '0.0000000', rate: '0.3' }, { from: '10000.0000000', rate: '0.2' }] } });
    // 30% × 10,000 + 20% × 5,000 = 3,000 + 1,000 = 4,000.
    const html = renderStatementPage({ summary: s, row: row({ high_water_mark: '20000.0000000', gain: '15000.0000000', performance_fees: '4000.0000000', closing_equity: '31000.0000000' }) });
    expect(html).toContain('Fee: 30% × 10,000.00 + 20% × 5,000.00 = 4,000.00, exact at the booking precision');
    expect(html).toContain('Performance fee: tiered by profit band (30% from 0.00, 20% from 10,000.00)');
  });

  it('says why there is no fee below the mark, and that the manager pays none', () => {
    const below = page({ row: row({ high_water_mark: '10000.0000000', gain: '-500.0000000', closing_equity: '9500.0000000', mark_after: '10000.0000000' }) });
    expect(below).toContain('No performance fee at the period end: the equity was 500.00 below the high-water mark of 10,000.00.');
    const s = summaryWith({}, {}, [{ id: 'boss', model: 'pamm', currency: 'USD', manager: true }]);
    const manager = renderStatementPage({ summary: s, row: row({ investor: 'boss', model: 'pamm', high_water_mark: '3000.0000000', gain: '6000.0000000', closing_equity: '9000.0000000', units: '3000.0000000', nav: '3.0000000000' }) });
    expect(manager).toContain('The manager\'s own capital pays no performance fee');
    expect(manager).toContain('<th scope="row">Units held after the period</th><td class="n">3,000.00</td>');
    expect(manager).toContain('NAV per unit at the period end</th><td class="n"><span title="3.0000000000">3.0000</span>');
  });

  it('states the program\'s fee terms in words', () => {
    const s = summaryWith({ managementFee: { rate: '0.02', basis: 'equity' }, entryFee: '0.01' }, { performanceFee: { ...DEFAULT_POLICIES.performanceFee, period: 'quarterly', hurdle: 'hard', hurdleRate: '0.05' } });
    const html = renderStatementPage({ summary: s, row: GAIN_ROW });
    expect(html).toContain('Performance fee: 20% of the gain of equity above its high-water mark (the mark resets to the equity after the fee), assessed every quarter and on exit.');
    expect(html).toContain('Hurdle: 5% a year (act/365), the fee is charged only on the gain above it.');
    expect(html).toContain('Management fee: 2% a year of equity, accrued daily (act/365) and charged every month, before the performance fee.');
    expect(html).toContain('Entry fee: 1% of each deposit.');
  });

  it('is print-ready, self-contained and the same bytes every time', () => {
    const html = page({ row: GAIN_ROW });
    expect(html).toContain('@page{size:A4;margin:15mm}');
    expect(html).toContain('print-color-adjust:exact');
    expect(html).toContain('table{width:100%;border-collapse:collapse;break-inside:avoid;page-break-inside:avoid}');
    expect(html).not.toMatch(/<script|<link|https?:\/\/|url\(/i);
    expect(page({ row: GAIN_ROW })).toBe(html);
  });

  it('escapes a hostile investor id, firm name and footer, and refuses colours and logos that are not what they claim', () => {
    const s = summaryWith({}, {}, [{ id: '<script>alert(1)</script>', model: 'mam', currency: 'USD', manager: false }]);
    const html = renderStatementPage({
      summary: s, row: row({ investor: '<script>alert(1)</script>' }),
      branding: { name: 'A&B "Capital" <img src=x onerror=alert(1)>', footer: '</footer><script>x()</script>', colors: { primary: 'red;}body{display:none', accent: '#000000' }, logo: 'javascript:alert(1)' },
    });
    expect(html).not.toMatch(/<script|<img src=x|display:none|javascript:/);
    expect(html).toContain('<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>');
    expect(html).toContain('<div class="firm">A&amp;B &quot;Capital&quot; &lt;img src=x onerror=alert(1)&gt;</div>');
    expect(html).toContain('&lt;/footer&gt;&lt;script&gt;x()&lt;/script&gt;');
    // Bad colours fall back to the neutral letterhead's ink.
    expect(html).toContain('border-bottom:1.2mm solid #1b1f24');
  });

  it('brands the letterhead, or keeps it plain with the scenario name', () => {
    const logo = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`;
    const branded = page({ row: GAIN_ROW, branding: { name: 'Harbour Point', colors: { primary: '#0B3D5C', accent: '#d4a017' }, logo, footer: 'Legal line.' } });
    expect(branded).toContain(`<img src="${logo}" alt="Harbour Point">`);
    expect(branded).toContain('border-bottom:1.2mm solid #0b3d5c;box-shadow:0 .8mm 0 #d4a017');
    expect(branded).toContain('<p class="legal">Legal line.</p>');
    const plain = page({ row: GAIN_ROW });
    expect(plain).toContain('<div class="firm">Test program</div>');
    expect(plain).not.toContain('<img');
  });
});

describe('statement file names', () => {
  it('keep lower-case names readable and separate the parts with _', () => {
    expect(statementFileName('alice', '2024-03')).toBe('statement-alice_2024-03.html');
    expect(statementFileName('investor-1', 'exit')).toBe('statement-investor-1_exit.html');
  });
  it('encode everything else as ~ and two hex digits, upper case included', () => {
    expect(statementFileName('Alice', '2024-03')).toBe('statement-~41lice_2024-03.html');
    expect(statementFileName('a_b', 'exit (detach)')).toBe('statement-a~5fb_exit~20~28detach~29.html');
    expect(encodeNamePart('é/..')).toBe('~c3~a9~2f..');
  });
  it('decode back to the id and the period, and never collide', () => {
    const pairs: Array<[string, string]> = [['alice', '2024-03'], ['Alice', '2024-03'], ['a_b', 'c'], ['a', 'b_c'], ['~41', 'x'], ['../../etc', 'exit (detach)'], ['zoë', '2024-Q1']];
    const names = pairs.map(([i, p]) => statementFileName(i, p));
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(pairs.length);
    for (const [k, n] of names.entries()) {
      expect(n).toMatch(/^statement-[a-z0-9.~-]+_[a-z0-9.~-]+\.html$/);
      const [id, period] = n.slice('statement-'.length, -'.html'.length).split('_') as [string, string];
      expect([decodeNamePart(id), decodeNamePart(period)]).toEqual(pairs[k]);
    }
  });
  it('stay within 200 bytes: every id the schema allows fits whole, a longer one ends in a digest', () => {
    const longest = statementFileName('A'.repeat(40), 'exit (detach)');
    expect(longest.length).toBe(10 + 120 + 1 + 19 + 5); // statement- + 40 × ~41 + _ + exit~20~28detach~29 + .html
    const a = statementFileName('x'.repeat(300), '2024-03');
    const b = statementFileName(`${'x'.repeat(299)}y`, '2024-03');
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(200);
    expect(a).toMatch(/~~[0-9a-f]{16}\.html$/);
    expect(a).not.toBe(b);
    expect(statementFileName('x'.repeat(300), '2024-03')).toBe(a);
  });
});

// ------------------------------------------------------------------ branding in the scenario

const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>\n';
const seed001 = (): Record<string, unknown> => JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8')) as Record<string, unknown>;

/** Writes seed 001 with `branding` and the given files into a fresh folder; returns the scenario's path. */
function brandedScenario(branding: unknown, files: Record<string, string | Buffer> = {}): string {
  const dir = tmp();
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ ...seed001(), branding }, null, 2));
  return file;
}

const refusal = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('the scenario\'s branding section', () => {
  it('loads name, colours (lower case), footer and the logo as a data: URI; the logo is an input', () => {
    const file = brandedScenario({ name: 'Acme', colors: { primary: '#0B3D5C', accent: '#d4a017' }, logo: 'img/logo.svg', footer: 'Legal.' }, { 'img/logo.svg': SVG });
    const s = loadScenario(file);
    expect(s.branding).toEqual({ name: 'Acme', colors: { primary: '#0b3d5c', accent: '#d4a017' }, logo: `data:image/svg+xml;base64,${Buffer.from(SVG).toString('base64')}`, footer: 'Legal.' });
    expect(s.inputs).toContain(join(file, '..', 'img/logo.svg'));
    expect(loadScenario(scenarioPath('seed001-profit-distribution.json')).branding).toBeUndefined();
  });

  it('tells PNG, JPEG and SVG by their first bytes', () => {
    expect(logoMediaType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('image/png');
    expect(logoMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(logoMediaType(Buffer.from('\ufeff<!-- mark -->\n<svg viewBox="0 0 1 1"></svg>'))).toBe('image/svg+xml');
    expect(logoMediaType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(logoMediaType(Buffer.from('<html><svg></svg></html>'))).toBeUndefined();
  });

  it('changes the scenario\'s hashes with the logo\'s bytes, not the booked values', () => {
    const a = loadScenario(brandedScenario({ name: 'Acme', logo: 'logo.svg' }, { 'logo.svg': SVG }));
    const b = loadScenario(brandedScenario({ name: 'Acme', logo: 'logo.svg' }, { 'logo.svg': SVG.replace('height="4"', 'height="3"') }));
    expect(a.sourceHash).not.toBe(b.sourceHash);
    expect(a.hash).not.toBe(b.hash);
  });

  it('refuses a bad section with the file and JSON path', () => {
    const cases: Array<[unknown, Record<string, string | Buffer>, string, string]> = [
      // Read by the rules of price files (sim/input-files.ts): the message names where it looked.
      [{ name: 'A', logo: 'missing.svg' }, {}, '/branding/logo', 'cannot read the logo file "missing.svg" (looked for'],
      [{ name: 'A', logo: 'logo.png' }, { 'logo.png': 'just text' }, '/branding/logo', 'is not a PNG, JPEG or SVG image'],
      [{ name: 'A', logo: 'big.svg' }, { 'big.svg': Buffer.alloc(MAX_LOGO_BYTES + 1, 0x20) }, '/branding/logo', `is ${MAX_LOGO_BYTES + 1} bytes, above the limit of 512 KiB`],
      [{ name: 'A', logo: '../outside.svg' }, {}, '/branding/logo', 'is outside the scenario\'s folder'],
      [{ name: 'A', logo: 'sub' }, { 'sub/x': 'x' }, '/branding/logo', 'the logo file "sub" is a folder: only regular files are read'],
      [{ name: 'A', colors: { primary: 'red', accent: '#000000' } }, {}, '/branding/colors/primary', 'expected a colour as #rrggbb'],
      [{ name: 'A', slogan: 'x' }, {}, '/branding/slogan', 'unknown field "slogan"'],
      [{ colors: { primary: '#000000', accent: '#000000' } }, {}, '/branding/name', 'is required but missing'],
    ];
    for (const [branding, files, path, text] of cases) {
      const file = brandedScenario(branding, files);
      const e = refusal(() => loadScenario(file));
      expect(e.file, text).toBe(file);
      expect(e.path, text).toBe(path);
      expect(e.message, text).toContain(text);
    }
  });

  it('moves no booked value: a run with and without it writes the same files but for the scenario hash', () => {
    const scenario = JSON.parse(readFileSync(scenarioPath('joint-program.json'), 'utf8')) as Record<string, unknown>;
    expect(scenario.branding).toBeDefined();
    const plainDir = tmp();
    const { branding: _b, ...plain } = scenario;
    writeFileSync(join(plainDir, 'joint.json'), JSON.stringify(plain));
    const brandDir = tmp();
    writeFileSync(join(brandDir, 'joint.json'), JSON.stringify(scenario));
    cpSync(scenarioPath('assets'), join(brandDir, 'assets'), { recursive: true });
    const a = runToDirectory(join(plainDir, 'joint.json'), join(plainDir, 'out')).outDir;
    const b = runToDirectory(join(brandDir, 'joint.json'), join(brandDir, 'out')).outDir;
    const csvs = readdirSync(a).filter((f) => f.endsWith('.csv'));
    expect(csvs).toContain('statements.csv');
    for (const f of csvs) expect(readFileSync(join(b, f), 'utf8'), f).toBe(readFileSync(join(a, f), 'utf8'));
    const summary = (dir: string): unknown => {
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { scenario: Record<string, unknown> };
      delete s.scenario.hash;
      return s;
    };
    expect(summary(b)).toEqual(summary(a));
  });
});

// ------------------------------------------------------------------ PDF

describe('deterministic PDF stamps', () => {
  it('rewrites dates and the file id in place, keeping every byte offset', () => {
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj <</CreationDate (D:20261202052406+02'00')\n/ModDate (D:20261202052407-05'00')>> endobj\ntrailer <</ID [<A1B2C3D4> <A1B2C3D4>]>>\n%%EOF\n", 'latin1');
    const fixed = fixPdf(pdf, '2024-04-01T00:05:00');
    expect(fixed.length).toBe(pdf.length);
    const text = fixed.toString('latin1');
    expect(text).toContain("/CreationDate (D:20240401000500+00'00')");
    expect(text).toContain("/ModDate (D:20240401000500+00'00')");
    expect(text).toMatch(/\/ID \[<([0-9a-f]{8})> <\1>\]/);
    // The id comes from the content, not the clock: another clock stamp gives the same file.
    expect(fixPdf(Buffer.from(pdf.toString('latin1').replace('052406', '101010').replace('A1B2C3D4> ', 'FFFFFFFF> '), 'latin1'), '2024-04-01T00:05:00').equals(fixed)).toBe(true);
    expect(pageDate('<meta name="date" content="2024-04-01T00:05:00">')).toBe('2024-04-01T00:05:00');
    expect(pageDate('<p>no date</p>')).toBe('1970-01-01T00:00:00');
  });

  it('refuses in one line when Chromium is missing', () => {
    const e = refusal(() => printPdfs(tmp(), ['a.html'], { chromiumPath: '/nonexistent/chromium' }));
    expect(e).toBeInstanceOf(PdfError);
    expect(e.render()).toBe('error: --pdf needs Chromium: install chromium or set CHROMIUM_PATH (no Chromium at /nonexistent/chromium)');
  });
});

const CHROMIUM = '/usr/bin/chromium';
const pageCount = (pdf: Buffer): number => Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1] ?? /\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);

describe.skipIf(!existsSync(CHROMIUM))(`statement PDFs through ${CHROMIUM} (skipped where it is missing: apt-get install chromium)`, () => {
  it('prints each page to one A4 page, byte-identical when printed again', () => {
    const dir = tmp();
    // The longest page a statement makes: a PAMM member (units and NAV), every fee term, a long firm name and footer, a logo.
    const s = summaryWith({ managementFee: { rate: '0.02', basis: 'equity' }, entryFee: '0.01', subscriptionFee: '25.0000000', volumeFee: { perLot: '2', perMillion: '5' }, termChanges: [{ at: '2024-03-15T00:00:00', performanceFee: '0.25', managementFee: null }] },
      { performanceFee: { ...DEFAULT_POLICIES.performanceFee, hurdle: 'soft', hurdleRate: '0.05', floatingPnl: 'losses-only' } }, [{ id: 'p-7', model: 'pamm', currency: 'EUR', manager: false }]);
    const long = renderStatementPage({
      summary: s,
      row: row({ investor: 'p-7', model: 'pamm', opening_equity: '1234567.8912345', deposits: '250000.0000000', withdrawals: '12345.6789012', high_water_mark: '1400000.1234567', gain: '98765.4321098', entry_fees: '2500.0000000', management_fees: '2345.6789012', performance_fees: '19753.0864219', other_fees: '25.0000000', closing_equity: '1543210.9876543', mark_after: '1543210.9876543', units: '12345.6789012', nav: '125.0000000001' }),
      branding: { name: 'Harbour Point Capital Asset Management and Fund Administration Services', colors: { primary: '#0b3d5c', accent: '#d4a017' }, logo: `data:image/svg+xml;base64,${readFileSync(scenarioPath('assets/harbour-point-logo.svg')).toString('base64')}`, footer: 'A long legal line. '.repeat(12) },
    });
    writeFileSync(join(dir, 'long.html'), long);
    writeFileSync(join(dir, 'short.html'), renderStatementPage({ summary: summaryWith(), row: GAIN_ROW }));
    printPdfs(dir, ['long.html', 'short.html']);
    const first = readFileSync(join(dir, 'long.pdf'));
    expect(first.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(first)).toBe(1);
    expect(pageCount(readFileSync(join(dir, 'short.pdf')))).toBe(1);
    // The period end of the row, not the clock.
    expect(first.toString('latin1')).toContain("/CreationDate (D:20240401000500+00'00')");
    // A second browser, a second or more later: the same bytes.
    printPdfs(dir, ['long.html']);
    expect(readFileSync(join(dir, 'long.pdf')).equals(first)).toBe(true);
  });

  it('says so in one line when the browser fails to start', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.html'), '<p>x</p>');
    const e = refusal(() => printPdfs(dir, ['a.html'], { chromiumPath: '/bin/false' }));
    expect(e.render()).toMatch(/^error: --pdf needs Chromium: install chromium or set CHROMIUM_PATH \(\/bin\/false did not start: [^\n]*\)$/);
  });
});
