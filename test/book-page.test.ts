// The book's pages (reports/book-page.ts) from a BookSummary written by hand: report.html links
// each program's report and lists the board in rank order with percentages from the fractions;
// leaderboard.html is a self-contained snippet (one root div, scoped style, no script, no
// network); both escape every name and give the same bytes for the same summary.
import { describe, expect, it } from 'vitest';
import { renderBookPage, renderLeaderboardSnippet } from '../reports/book-page.js';
import type { BookSummary } from '../reports/book-summary.js';
import type { LeaderboardRow } from '../reports/leaderboard.js';

const NASTY = 'Alpha <script>alert(1)</script> & "Sons"';

const zeros = { spread: '0.0000000', commissions: '0.0000000', swaps: '0.0000000', rebatesPaid: '0.0000000', negativeBalance: '0.0000000', residualRealized: '0.0000000', residualFloating: '0.0000000', net: '0.0000000' };
const ranks = (n: number): LeaderboardRow['ranks'] => ({ return: n, drawdown: n, aum: n, investors: n, fees: n });

/** Three programs, listed in book order (beta, alpha, gamma); the board ranks them alpha, gamma, beta. */
function summary(netting = 'broker-wide'): BookSummary {
  const board: LeaderboardRow[] = [
    { id: 'alpha', name: NASTY, return: 0.0237, maxDrawdown: 0.00864, aum: '1234567.8912345', investors: 12, fees: '250.5000000', rank: 1, ranks: ranks(1) },
    { id: 'gamma', name: 'Gamma Fund', return: 0.01044, maxDrawdown: 0.125, aum: '7073.0800000', investors: 1, fees: '0.0000000', rank: 2, ranks: ranks(2) },
    { id: 'beta', name: 'Beta & Co', return: -0.05123, maxDrawdown: 0.2, aum: '500.0000000', investors: 3, fees: '0.0000000', rank: 3, ranks: ranks(3) },
  ];
  return {
    mamlab: { version: '0.1.0' },
    scenario: { name: 'Book <b>One</b> & Two', description: 'Desc <img src=x onerror=alert(1)>', netting, programs: 3, seed: 7, start: '2024-03-04T00:05:00', end: '2024-03-08T00:05:00' },
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
      ibs: {},
      accounts: [],
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
    // The tie rule is stated under the board.
    expect(board).toMatch(/tie goes to the lower maximum drawdown, then the higher AUM, the more investors, the higher fees, and last the program id/);
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
    // AUM in total and the managers' fees.
    expect(page).toContain('1,242,140.97');
    expect(page).toContain('250.50');
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
    expect(snippet).toMatch(/a tie goes to the lower drawdown, then the higher AUM, the more investors, the higher fees, then the program id/);
    // No links: the snippet lives on another site, where the book's folders are not.
    expect(snippet).not.toContain('href=');
  });

  it('gives the same bytes for the same summary', () => {
    expect(renderLeaderboardSnippet(summary())).toBe(snippet);
  });
});
