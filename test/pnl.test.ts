import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { netLegs } from '../engine/executive.js';
import { type Instrument, quoteProfit } from '../engine/instrument.js';
import { DEFAULT_QUANTUM as q } from '../engine/quantum.js';
import { QuoteBook, findConversion, markPrice } from '../engine/quotes.js';
import { serverTime } from '../engine/time.js';
import { Price, Volume } from '../engine/values.js';

const fx = (symbol: string, base: string, quote: string, digits: number): Instrument => ({
  symbol, class: 'fx-major', base, quote, contractSize: new Dec(100000), digits, pipSize: new Dec(10).pow(1 - digits),
  minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100'), marginMode: 'forex',
});
const EURUSD = fx('EURUSD', 'EUR', 'USD', 5);
const USDJPY = fx('USDJPY', 'USD', 'JPY', 3);
const instruments = new Map([[EURUSD.symbol, EURUSD], [USDJPY.symbol, USDJPY]]);
const t = serverTime(0);
const quote = (bid: string, ask: string) => ({ time: t, bid: Price.of(bid), ask: Price.of(ask) });

describe('profit in the quote currency and in USD', () => {
  it('USD-quoted: 1 lot EURUSD from 1.10000 to 1.10250 earns 0.0025 × 100,000 = $250', () => {
    expect(quoteProfit(EURUSD, 'buy', Volume.of('1'), Price.of('1.10000'), Price.of('1.10250')).toString()).toBe('250');
  });

  it('keeps 1e-7 lots exact: a 0.0012345-lot short losing 49 points costs 0.0012345 × 100,000 × 0.0049 = $0.604905', () => {
    expect(quoteProfit(EURUSD, 'sell', Volume.of('0.0012345'), Price.of('1.08410'), Price.of('1.08900')).toString()).toBe('-0.604905');
  });

  it('USD-based: USDJPY profit in JPY is divided by the USDJPY mid at the close', () => {
    // 0.5 lot sold at 150.500, bought back at 149.020: 0.5 × 100,000 × 1.480 = ¥74,000;
    // mid (149.000 + 149.020) / 2 = 149.010; 74,000 / 149.010 = 496.61096570… → $496.6109657
    const book = new QuoteBook();
    book.set('USDJPY', quote('149.000', '149.020'));
    const conv = findConversion('JPY', 'USD', instruments)!;
    expect(conv).toEqual({ kind: 'divide', symbol: 'USDJPY' });
    const jpy = quoteProfit(USDJPY, 'sell', Volume.of('0.5'), Price.of('150.500'), Price.of('149.020'));
    expect(jpy.toString()).toBe('74000');
    expect(book.toAccount(jpy, conv, q).toString()).toBe('496.6109657');
  });

  it('marks a long at bid and a short at ask', () => {
    // Long 0.3 USDJPY from 149.100, quote 148.250/148.270: valued at bid: 0.3 × 100,000 × (148.250 − 149.100) = −¥25,500;
    // / mid 148.260 = −171.99514373… → −$171.9951437
    const qt = quote('148.250', '148.270');
    const book = new QuoteBook();
    book.set('USDJPY', qt);
    expect(markPrice(qt, 'buy').toString()).toBe('148.25');
    expect(markPrice(qt, 'sell').toString()).toBe('148.27');
    const jpy = quoteProfit(USDJPY, 'buy', Volume.of('0.3'), Price.of('149.100'), markPrice(qt, 'buy'));
    expect(book.toAccount(jpy, findConversion('JPY', 'USD', instruments)!, q).toString()).toBe('-171.9951437');
  });

  it('a metal and an index CFD: contract sizes of 100 oz and 1 index unit', () => {
    const XAUUSD: Instrument = { ...fx('XAUUSD', 'XAU', 'USD', 2), class: 'metal', contractSize: new Dec(100) };
    const US30: Instrument = { ...fx('US30', 'US30', 'USD', 1), class: 'index', contractSize: new Dec(1), marginMode: 'cfd' };
    // 0.5 lot × 100 oz × (2,060.50 − 2,050.00) = 525; 2 lots × 1 × (38,150.0 − 38,000.0) = 300
    expect(quoteProfit(XAUUSD, 'buy', Volume.of('0.5'), Price.of('2050.00'), Price.of('2060.50')).toString()).toBe('525');
    expect(quoteProfit(US30, 'buy', Volume.of('2'), Price.of('38000.0'), Price.of('38150.0')).toString()).toBe('300');
    expect(quoteProfit(US30, 'sell', Volume.of('2'), Price.of('38000.0'), Price.of('38150.0')).toString()).toBe('-300');
  });

  it('finds no conversion for a currency no instrument quotes', () => {
    expect(findConversion('GBP', 'USD', instruments)).toBeUndefined();
    expect(findConversion('USD', 'USD', instruments)).toEqual({ kind: 'identity' });
  });
});

describe('executive account netting (seed 001)', () => {
  const qt = quote('1.08400', '1.08410');
  it('nets buys and sells into one order at the net side\'s price', () => {
    const x = netLegs('EURUSD', [
      { side: 'buy', volume: Volume.of('1') }, { side: 'sell', volume: Volume.of('0.4') }, { side: 'buy', volume: Volume.of('0.25') },
    ], qt);
    // net = 1 + 0.25 − 0.4 = 0.85 buy, at ask
    expect([x.side, x.volume.toString(), x.price.toString(), x.grossBuy.toString(), x.grossSell.toString(), x.legs]).toEqual(['buy', '0.85', '1.0841', '1.25', '0.4', 3]);
  });
  it('a net sell executes at bid; a zero net crosses internally at mid', () => {
    expect(netLegs('EURUSD', [{ side: 'sell', volume: Volume.of('0.3') }], qt).price.toString()).toBe('1.084');
    const cross = netLegs('EURUSD', [{ side: 'buy', volume: Volume.of('0.5') }, { side: 'sell', volume: Volume.of('0.5') }], qt);
    expect([cross.side, cross.volume.toString(), cross.price.toString()]).toEqual(['cross', '0', '1.08405']);
  });
});

describe('conversionSide for cross pairs', () => {
  const EURGBP = fx('EURGBP', 'EUR', 'GBP', 5);
  const GBPUSD = fx('GBPUSD', 'GBP', 'USD', 5);
  const GBPJPY = fx('GBPJPY', 'GBP', 'JPY', 3);
  const all = new Map([EURGBP, GBPUSD, GBPJPY, USDJPY].map((i) => [i.symbol, i]));
  const book = new QuoteBook();
  book.set('GBPUSD', quote('1.26000', '1.26020'));
  book.set('USDJPY', quote('150.000', '150.020'));

  it('EURGBP converts through GBPUSD: mid, or bid for a profit and ask for a loss', () => {
    // 1 lot from 0.85000 to 0.85500: £500. × mid 1.26010 = 630.05; × bid 1.26000 = 630.00; a £500 loss × ask 1.26020 = −630.10
    const conv = findConversion('GBP', 'USD', all)!;
    expect(conv).toEqual({ kind: 'multiply', symbol: 'GBPUSD' });
    const gbp = quoteProfit(EURGBP, 'buy', Volume.of('1'), Price.of('0.85000'), Price.of('0.85500'));
    expect(gbp.toString()).toBe('500');
    expect(book.toAccount(gbp, conv, q).toString()).toBe('630.05');
    expect(book.toAccount(gbp, conv, q, 'bid-profit-ask-loss').toString()).toBe('630');
    expect(book.toAccount(gbp.neg(), conv, q, 'bid-profit-ask-loss').toString()).toBe('-630.1');
  });

  it('GBPJPY converts through USDJPY: a profit divides by ask, a loss by bid', () => {
    // ¥10,000 / mid 150.010 = 66.6622225; / ask 150.020 = 66.6577790; −¥10,000 / bid 150.000 = −66.6666667
    const conv = findConversion('JPY', 'USD', all)!;
    expect(book.toAccount(new Dec(10000), conv, q).toString()).toBe('66.6622225');
    expect(book.toAccount(new Dec(10000), conv, q, 'bid-profit-ask-loss').toString()).toBe('66.657779');
    expect(book.toAccount(new Dec(-10000), conv, q, 'bid-profit-ask-loss').toString()).toBe('-66.6666667');
  });
});
