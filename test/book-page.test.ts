// The book's pages (reports/book-page.ts) from a BookSummary written by hand: report.html links
// each program's report and lists the board in rank order with percentages from the fractions;
// leaderboard.html is a self-contained snippet (one root div, scoped style, no script, no
// network); both escape every name and give the same bytes for the same summary. The IBs' earnings
// across the book and the accounts outside the programs get a section each, left out when empty.
import { describe, expect, it } from 'vitest';
import { renderBookPage, renderLeaderboardSnippet } from '../reports/book-page.js';
import type { BookSummary } from '../reports/book-summary.js';
import { LEADERBOARD_ORDER_TEXT, type LeaderboardRow } from '../reports/leaderboard.js';
import { esc } from '../reports/html.js';

const NASTY = 'Alpha <script>alert(1)</script> & "Sons"';
/** An IB id and an account id that need escaping (ids sort in code-unit order: '<' before 'a'). */
const NASTY_IB = '<b>harbor</b> & "co"';
const NASTY_ACCOUNT = "pia <img src=x onerror=alert(1)> & 'q'";

const zeros = { spread: '0.0000000', commissions: '0.0000000', swaps: '0.0000000', rebatesPaid: '0.0000000', negativeBalance: '0.0000000', residualRealized: '0.0000000', residualFloating: '0.0000000', net: '0.0000000' };
const ranks = (n: number): LeaderboardRow['ranks'] => ({ return: n, drawdown: n, aum: n, investors: n, fees: n });

/** Two IBs (the summary's order: code-unit order of the ids), one earning in alpha only, one in beta and gamma with fee shares. */
const IBS: BookSummary['book']['ibs'] = {
  [NASTY_IB]: { rebates: '72.7497992', feeShares: '101.7908390', total: '174.5406382', byProgram: { beta: '150.4720296', gamma: '24.0686086' } },
  atlas: { rebates: '16.5000000', feeShares: '0.0000000', total: '16.5000000', byProgram: { alpha: '16.5000000' } },
};

/** One account in gamma at the end with no cash left outside, one outside every program. */
const ACCOUNTS: BookSummary['book']['accounts'] = [
  { id: NASTY_ACCOUNT, deposit: '15000.0000000', cash: '0.0000000', program: 'gamma' },
  { id: 'quinn', deposit: '2500.5000000', cash: '2612.3456789', program: null },
];

/** Three programs, listed in book order (beta, alpha, gamma); the board ranks them alpha, gamma, beta. */
function summary(netting = 'broker-wide', extra: Partial<Pick<BookSummary['book'], 'ibs' | 'accounts'>> = {}): BookSummary {
  const board: LeaderboardRow[] = [
    { id: 'alpha', name: NASTY, return: 0.0237, maxDrawdown: 0.00864, aum: '1234567.8912345', investors: 12, fees: '250.5000000', rank: 1, ranks: ranks(1) },
    { id: 'gamma', name: 'Gamma Fund', return: 0.01044, maxDrawdown: 0.125, aum: '7073.0800000', investors: 1, fees: '0.0000000', rank: 2, ranks: ranks(2) },
    { id: 'beta', name: 'Beta & Co', return: -0.05123, maxDrawdown: 0.2, aum: '500.0000000', investors: 3, fees: '0.0000000', rank: 3, ranks: ranks(3) },
  ];
  return {
    mamlab: { version: '0.1.0' },
    scenario: { name: 'Book <b>One</b> & Two', description: 'Desc <img src=x onerror=alert(1)>', file: 'book.yaml', hash: 'f'.repeat(64), netting, programs: 3, seed: 7, start: '2024-03-04T00:05:00', end: '2024-03-08T00:05:00' },
    programs: [
      { id: 'beta', name: 'Beta & Co' },
      { id: 'alpha', name: NASTY },
      { id: 'gamma', name: 'Gamma Fund' },
    ] as unknown as BookSummary['programs'],
    book: {
      currency: 'USD',
      netting,
      revenue: {
        byKind: { ...zeros, spread: '69.2796000', rebatesPaid: '12.0000000', residualRealized: '-1234.7821000', net: '-1177.5025000' },
        byProgram: { alpha: { ...zeros, spread: '51.9996000', rebatesPaid: '12.0000000', net: '39.9996000' }, beta: { ...zeros, spread: '17.2800000', net: '17.2800000' }, gamma: zeros },
        bookResidual: { realized: '-1234.7821000', floating: '0.0000000' },
        net: '-1177.5025000',
        externalSpread: '51.9600000',
        houseSpread: '0.0000000',
        netAfterExternalSpread: '-1229.4625000',
      },
      negativeBalanceAbsorbed: { total: '0.0000000', byProgram: { alpha: '0.0000000', beta: '0.0000000', gamma: '0.0000000' } },
      market: { programOrders: 4, programVolume: '11.5466000', externalOrders: 3, externalVolume: '8.6600000', internalizedVolume: '2.8800000', externalSpread: '51.9600000' },
      residual: {
        byProgram: { alpha: { realized: '0.0000000', floating: '0.0000000' }, beta: { realized: '0.0000000', floating: '0.0000000' }, gamma: { realized: '0.0000000', floating: '0.0000000' } },
        book: { realized: '-1234.7821000', floating: '0.0000000' },
        total: { realized: '-1234.7821000', floating: '0.0000000' },
      },
      exposure: {
        peak: { EURUSD: { date: '2024-03-05', clients: '-2.8933000' } },
        end: { EURUSD: { clients: '1.5000000', house: '-0.0066000', market: '1.4934000' } },
      },
      aum: { total: '1242140.9712345', byProgram: { alpha: '1234567.8912345', beta: '500.0000000', gamma: '7073.0800000' }, investors: 16 },
      managerFees: { total: '250.5000000', byProgram: { alpha: '250.5000000', beta: '0.0000000', gamma: '0.0000000' } },
      managerRebates: { total: '40.0000000', byProgram: { alpha: '40.0000000', beta: '0.0000000', gamma: '0.0000000' } },
      riskEvents: { beta: { 'margin-call': 2, 'stop-out': 1 } },
      ibs: extra.ibs ?? IBS,
      accounts: extra.accounts ?? ACCOUNTS,
    },
    leaderboard: board,
  };
}

/** Every selector of a style sheet (no at-rules here), split on commas. */
function selectors(css: string): string[] {
  return css.split('}').map((rule) => rule.split('{')[0]!.trim()).filter((x) => x !== '').flatMap((sel) => sel.split(',').map((x) => x.trim()));
}

describe('book report.html', () => {
  const page = renderBookPage(summary());

  it('is a whole page with no script and nothing from the network', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('</html>');
    expect(page).not.toMatch(/<script|https?:\/\/|<link|@import|url\(/i);
    // No tag loads anything (the description's "src=" is escaped text, not an attribute).
    expect(page).not.toMatch(/<[a-z][^>]*\ssrc=/i);
  });

  it('escapes every name, the description and the book name', () => {
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('Alpha &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;');
    expect(page).toContain('Beta &amp; Co');
    expect(page).not.toContain('Beta & Co');
    expect(page).toContain('<h1>Book &lt;b&gt;One&lt;/b&gt; &amp; Two</h1>');
    expect(page).not.toContain('<img');
    expect(page).toContain('Desc &lt;img src=x onerror=alert(1)&gt;');
  });

  it("links each program's own report", () => {
    for (const id of ['alpha', 'beta', 'gamma']) expect(page).toContain(`href="programs/${id}/report.html"`);
  });

  it('lists the leaderboard in rank order, with percentages from the fractions', () => {
    const board = page.slice(page.indexOf('<h2>Leaderboard</h2>'), page.indexOf("<h2>The broker's book</h2>"));
    const a = board.indexOf('programs/alpha/'), g = board.indexOf('programs/gamma/'), b = board.indexOf('programs/beta/');
    expect(a).toBeGreaterThan(-1);
    expect(a).toBeLessThan(g);
    expect(g).toBeLessThan(b);
    // 0.0237 → 2.37%, 0.00864 → 0.86%, 0.01044 → 1.04%, 0.125 → 12.50%, −0.05123 → −5.12% (shown negative), 0.2 → 20.00%.
    for (const p of ['2.37%', '0.86%', '1.04%', '12.50%', '20.00%']) expect(board).toContain(`>${p}<`);
    expect(board).toContain('<span class="neg">-5.12%</span>');
    expect(board).toContain('1,234,567.89');
    // The tie rule is stated under the board, in reports/leaderboard.ts's words, and only there.
    expect(LEADERBOARD_ORDER_TEXT).toMatch(/tie goes to the lower maximum drawdown, then the higher AUM, then the more investors, then the higher fees charged to investors, and last to the program id/);
    expect(board).toContain(esc(LEADERBOARD_ORDER_TEXT));
    expect(page.split(esc(LEADERBOARD_ORDER_TEXT))).toHaveLength(2);
    // Fees: what the manager charged its investors, rebates not counted.
    expect(board).toContain('fees charged (USD)');
    expect(board).toMatch(/Fees: what each manager charged its investors over the run .*the rebates a manager earns on its volume are not fees and are not counted/);
    expect(board).not.toMatch(/earned in fees/);
  });

  /** A section of the page: from its heading to the next. */
  const section = (p: string, h2: string): string => {
    const at = p.indexOf(`<h2>${h2}</h2>`);
    expect(at, h2).toBeGreaterThan(-1);
    return p.slice(at, p.indexOf('<h2>', at + 1));
  };
  /** A table's body rows, each as its cells' inner HTML. */
  const rowsOf = (html: string): string[][] => [...html.matchAll(/<tr(?: class="total")?>((?:<td[^>]*>.*?<\/td>)+)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!));

  it('shows each manager\'s rebates beside its fees, and each program\'s risk events', () => {
    const aum = section(page, "Investors' money and managers' fees");
    expect(aum).toContain('<th class="n">rebates earned (USD)</th><th>risk events</th>');
    const rows = rowsOf(aum);
    // beta (first in book order) had two margin calls and a stop-out; the others none.
    expect(rows.map((r) => r[r.length - 1])).toEqual(['margin-call 2, stop-out 1', '–', '–', '']);
    expect(rows[rows.length - 1]![4]).toBe('40.00');
  });

  it('takes the houses\' residual spread off once after hedging, and says where per-program orders are', () => {
    expect(section(page, "The broker's book")).toMatch(/the houses(&#39;|')? residual legs(&#39;|')? spread/);
    const market = section(page, 'What reached the market');
    // The house's row makes the shares add up: 8.66 external = 11.5466 − 2.88 internalized + (−0.0066) house.
    expect(market).toMatch(/the house(&#39;|')?s residual/);
    const perProgram = renderBookPage(summary('per-program'));
    expect(section(perProgram, 'What reached the market')).toContain('programs/&lt;id&gt;/executions.csv');
  });

  it("shows each IB's earnings across the book: by program, rebates, fee shares and total, in the summary's order", () => {
    const ibs = section(page, 'IBs across the book');
    // One column per program in book order, then rebates, fee shares and total.
    expect(ibs).toMatch(/<th>IB<\/th><th class="n">Beta &amp; Co<\/th><th class="n">Alpha &lt;script&gt;.*?<\/th><th class="n">Gamma Fund<\/th><th class="n">rebates<\/th><th class="n">fee shares<\/th><th class="n">total<\/th>/);
    const rows = rowsOf(ibs);
    expect(rows).toEqual([
      // The IB id escaped; blank where it earned nothing; the exact value on hover.
      ['&lt;b&gt;harbor&lt;/b&gt; &amp; &quot;co&quot;', '<span title="150.4720296">150.47</span>', '', '<span title="24.0686086">24.07</span>', '<span title="72.7497992">72.75</span>', '<span title="101.790839">101.79</span>', '<span title="174.5406382">174.54</span>'],
      ['atlas', '', '16.50', '', '16.50', '0.00', '16.50'],
      // All IBs: 16.5 + 72.7497992 = 89.2497992 of rebates, 16.5 + 174.5406382 = 191.0406382 in total.
      ['all IBs', '<span title="150.4720296">150.47</span>', '16.50', '<span title="24.0686086">24.07</span>', '<span title="89.2497992">89.25</span>', '<span title="101.790839">101.79</span>', '<span title="191.0406382">191.04</span>'],
    ]);
    expect(ibs).toContain('<tr class="total"><td>all IBs</td>');
    expect(ibs).not.toContain('<b>harbor');
    expect(ibs).toMatch(/rebates on the volume of the investors it referred, net of any cashback it passed on/);
    expect(ibs).toMatch(/shares of the fees those investors paid the managers/);
  });

  it('leaves out the total row when there is one IB', () => {
    const one = section(renderBookPage(summary('broker-wide', { ibs: { atlas: IBS.atlas! } })), 'IBs across the book');
    expect(rowsOf(one)).toEqual([['atlas', '', '16.50', '', '16.50', '0.00', '16.50']]);
    expect(one).not.toContain('all IBs');
  });

  it('lists the accounts outside the programs: first deposit, where each is at the end, cash at the end', () => {
    const acc = section(page, 'Accounts outside the programs');
    expect(acc).toContain('<th>account</th><th class="n">first deposit (USD)</th><th>at the end</th><th class="n">cash at the end (USD)</th>');
    expect(rowsOf(acc)).toEqual([
      // The account id escaped; its program by name, linking that program's report.
      ['pia &lt;img src=x onerror=alert(1)&gt; &amp; &#39;q&#39;', '15,000.00', '<a href="programs/gamma/report.html">Gamma Fund</a>', '0.00'],
      ['quinn', '2,500.50', 'outside', '<span title="2,612.3456789">2,612.35</span>'],
    ]);
    expect(acc).not.toContain('<img');
    expect(acc).toMatch(/link and unlink.*is in that program's events\.csv/);
  });

  it('leaves out the IB and account sections when the book has none', () => {
    const none = renderBookPage(summary('broker-wide', { ibs: {}, accounts: [] }));
    expect(none).not.toContain('IBs across the book');
    expect(none).not.toContain('Accounts outside the programs');
    expect(none).toContain('<h2>Files</h2>');
    const noIbs = renderBookPage(summary('broker-wide', { ibs: {} }));
    expect(noIbs).not.toContain('IBs across the book');
    expect(noIbs).toContain('<h2>Accounts outside the programs</h2>');
    const noAccounts = renderBookPage(summary('broker-wide', { accounts: [] }));
    expect(noAccounts).toContain('<h2>IBs across the book</h2>');
    expect(noAccounts).not.toContain('Accounts outside the programs');
  });

  it("states the netting policy, the period, the programs and the broker's book", () => {
    expect(page).toContain('Netting broker-wide.');
    expect(page).toContain('nothing reaches the market');
    expect(page).toContain('2024-03-04 00:05 → 2024-03-08 00:05');
    expect(page).toContain('book of 3 programs');
    // Revenue: one column per program in book order, the book's residual and the total.
    expect(page).toMatch(/<th>USD<\/th><th class="n">Beta &amp; Co<\/th><th class="n">Alpha &lt;script&gt;.*<\/th><th class="n">Gamma Fund<\/th><th class="n">book&#39;s residual<\/th><th class="n">total<\/th>/);
    // Negative figures visibly negative, with thousands separators; the exact value on hover.
    expect(page).toContain('<span class="neg"><span title="-1,234.7821">-1,234.78</span></span>');
    expect(page).toContain('<span class="neg"><span title="-1,229.4625">-1,229.46</span></span>');
    // What reached the market: orders, lots and shares of the programs' volume (8.66 / 11.5466 = 75.00%, 2.88 / 11.5466 = 24.94%).
    expect(page).toContain('11.5466');
    expect(page).toContain('>75.00%<');
    expect(page).toContain('>24.94%<');
    // Exposure at the end and the peak with its date, in signed lots.
    expect(page).toContain('<span class="neg">-0.0066</span>');
    expect(page).toContain('<span class="neg">-2.8933</span>');
    expect(page).toContain('2024-03-05');
    // AUM in total and the managers' fees, which are what they charged their investors.
    expect(page).toContain('1,242,140.97');
    expect(page).toContain('250.50');
    expect(page).toContain('USD charged to investors, all programs');
    expect(section(page, "Investors' money and managers' fees")).toContain('fees charged to investors (USD)');
  });

  it('explains per-program netting when the book has it', () => {
    const p = renderBookPage(summary('per-program'));
    expect(p).toContain('Netting per-program.');
    expect(p).toContain('exactly as it would run alone');
  });

  it('gives the same bytes for the same summary', () => {
    expect(renderBookPage(summary())).toBe(page);
    expect(renderBookPage(summary())).toBe(renderBookPage(summary()));
  });
});

describe('book leaderboard.html', () => {
  const snippet = renderLeaderboardSnippet(summary());

  it('is one root div with its style inside, nothing else', () => {
    const t = snippet.trim();
    expect(t.startsWith('<div class="mamlab-leaderboard">')).toBe(true);
    expect(t.endsWith('</div>')).toBe(true);
    expect(snippet).not.toMatch(/<html|<head|<body|<!doctype|<script|https?:\/\/|src=|<link|@import|url\(|<img/i);
    // The root closes only at the end: count opening and closing divs.
    expect((snippet.match(/<div\b/g) ?? []).length).toBe((snippet.match(/<\/div>/g) ?? []).length);
  });

  it('scopes every CSS selector under .mamlab-leaderboard', () => {
    const styles = [...snippet.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    expect(styles[0]).not.toContain('@');
    const sels = selectors(styles[0]!);
    expect(sels.length).toBeGreaterThan(3);
    for (const sel of sels) expect(sel, sel).toMatch(/^\.mamlab-leaderboard(?![\w-])/);
  });

  it('escapes the names and the title', () => {
    expect(snippet).not.toContain('<script>alert');
    expect(snippet).toContain('Alpha &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;');
    expect(snippet).toContain('Beta &amp; Co');
    expect(snippet).toContain('Book &lt;b&gt;One&lt;/b&gt; &amp; Two');
    expect(snippet).not.toContain('<b>One');
  });

  it('ranks the programs with return, drawdown, AUM and investors, and a footnote with the period and the tie rule', () => {
    const a = snippet.indexOf('Alpha &lt;'), g = snippet.indexOf('Gamma Fund'), b = snippet.indexOf('Beta &amp; Co');
    expect(a).toBeGreaterThan(-1);
    expect(a).toBeLessThan(g);
    expect(g).toBeLessThan(b);
    const rows = [...snippet.matchAll(/<tr><td class="mamlab-lb-rank">(\d+)<\/td><td>(.*?)<\/td>(.*?)<\/tr>/g)].map((m) => ({ rank: m[1], name: m[2], rest: m[3]! }));
    expect(rows.map((r) => r.rank)).toEqual(['1', '2', '3']);
    expect(rows[0]!.rest).toContain('>2.37%<');
    expect(rows[0]!.rest).toContain('>0.86%<');
    expect(rows[0]!.rest).toContain('>1,234,567.89<');
    expect(rows[0]!.rest).toContain('>12<');
    expect(rows[2]!.rest).toContain('<span class="mamlab-lb-neg">-5.12%</span>');
    expect(rows[2]!.rest).toContain('>20.00%<');
    expect(snippet).toContain('2024-03-04 to 2024-03-08');
    expect(snippet).toContain(esc(LEADERBOARD_ORDER_TEXT));
    // No links: the snippet lives on another site, where the book's folders are not.
    expect(snippet).not.toContain('href=');
  });

  it('gives the same bytes for the same summary', () => {
    expect(renderLeaderboardSnippet(summary())).toBe(snippet);
  });
});
