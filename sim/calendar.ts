// The broker's server calendar (DOMAIN §10): server time zones (New York + 7 h, default, or
// Europe/Athens), the trading week, the daily rollover and the trading month. DST rules are
// written out (US since 2007, EU since 1996) so results never depend on the host's tz data.
import { type ServerTime, serverTime } from '../engine/time.js';

export const SERVER_TIME_ZONES = ['ny+7', 'Europe/Athens'] as const;
export type ServerTimeZone = (typeof SERVER_TIME_ZONES)[number];

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;

/** UTC ms of the n-th (1-based) Sunday of a month, or the last Sunday when n = -1, at `hourUtc`. */
function sunday(year: number, month: number, n: number, hourUtc: number): number {
  if (n > 0) {
    const first = Date.UTC(year, month, 1);
    const dow = new Date(first).getUTCDay();
    return first + (((7 - dow) % 7) + 7 * (n - 1)) * DAY + hourUtc * HOUR;
  }
  const last = Date.UTC(year, month + 1, 0);
  const dow = new Date(last).getUTCDay();
  return last - dow * DAY + hourUtc * HOUR;
}

/** Offset of New York local time from UTC, in hours, at a UTC instant (EDT 2nd Sunday of March 2:00 EST – 1st Sunday of November 2:00 EDT). */
export function newYorkOffset(utcMs: number): number {
  const y = new Date(utcMs).getUTCFullYear();
  const start = sunday(y, 2, 2, 7); // 02:00 EST = 07:00 UTC
  const end = sunday(y, 10, 1, 6); // 02:00 EDT = 06:00 UTC
  return utcMs >= start && utcMs < end ? -4 : -5;
}

/** Offset of Athens local time from UTC, in hours (EEST from the last Sunday of March to the last Sunday of October, 01:00 UTC). */
export function athensOffset(utcMs: number): number {
  const y = new Date(utcMs).getUTCFullYear();
  const start = sunday(y, 2, -1, 1);
  const end = sunday(y, 9, -1, 1);
  return utcMs >= start && utcMs < end ? 3 : 2;
}

/** Server offset from UTC in hours at a UTC instant. */
function serverOffset(zone: ServerTimeZone, utcMs: number): number {
  return zone === 'ny+7' ? newYorkOffset(utcMs) + 7 : athensOffset(utcMs);
}

function utcToServer(zone: ServerTimeZone, utcMs: number): ServerTime {
  return serverTime(utcMs + serverOffset(zone, utcMs) * HOUR);
}

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Real UTC offsets run from −12:00 to +14:00; ±14:00 bounds both sides, minutes below 60. */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Minutes east of UTC of an offset like +05:30, or undefined when no real zone could have it. */
function utcOffsetMinutes(tz: string): number | undefined {
  const hours = +tz.slice(1, 3);
  const minutes = +tz.slice(4, 6);
  const total = hours * 60 + minutes;
  if (minutes > 59 || total > MAX_OFFSET_MINUTES) return undefined;
  return (tz[0] === '-' ? -1 : 1) * total;
}

/**
 * Parses a timestamp. Without a zone it is server wall time; with `Z` or an offset it is an
 * instant converted to server time by the zone's rules. Returns undefined when malformed.
 */
export function parseTime(text: string, zone: ServerTimeZone): ServerTime | undefined {
  const fast = wallTimeFast(text);
  if (fast !== undefined) return serverTime(fast);
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', tz] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, +ms.padEnd(3, '0'));
  const back = new Date(wall);
  if (back.getUTCFullYear() !== +y! || back.getUTCMonth() !== +mo! - 1 || back.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59) return undefined;
  if (!tz) return serverTime(wall);
  const offsetMin = tz === 'Z' ? 0 : utcOffsetMinutes(tz);
  if (offsetMin === undefined) return undefined;
  return utcToServer(zone, wall - offsetMin * MINUTE);
}

/** Two ASCII digits at i as a number, or −1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// The day of the last zoneless timestamp read, kept because price files repeat a day's date on every row.
let lastDate = '';
let lastDayMs = 0;

/**
 * A price row's usual timestamp, `YYYY-MM-DD HH:MM` or `YYYY-MM-DDTHH:MM:SS` without a zone, in
 * server wall-time ms (what the full parse gives it), or undefined for any other shape (the full
 * parse decides). The date goes through the full parse once per distinct day.
 */
function wallTimeFast(text: string): number | undefined {
  const n = text.length;
  if (n !== 16 && n !== 19) return undefined;
  const sep = text.charCodeAt(10);
  if ((sep !== 32 && sep !== 84) || text.charCodeAt(13) !== 58 || (n === 19 && text.charCodeAt(16) !== 58)) return undefined;
  const h = twoDigits(text, 11);
  const mi = twoDigits(text, 14);
  const s = n === 19 ? twoDigits(text, 17) : 0;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined;
  const date = text.slice(0, 10);
  if (date !== lastDate) {
    const m = TIME_RE.exec(date);
    if (!m) return undefined;
    const [, y, mo, d] = m;
    const day = Date.UTC(+y!, +mo! - 1, +d!);
    const back = new Date(day);
    if (back.getUTCFullYear() !== +y! || back.getUTCMonth() !== +mo! - 1 || back.getUTCDate() !== +d!) return undefined;
    lastDate = date;
    lastDayMs = day;
  }
  return lastDayMs + h * HOUR + mi * MINUTE + s * 1000;
}

/** The trading week (seed 001): Monday 00:05 to Friday 23:50 server time. */
export interface TradingWeek {
  readonly openMinute: number; // minutes after Monday 00:00
  readonly closeMinute: number; // minutes after Monday 00:00
}
export const DEFAULT_TRADING_WEEK: TradingWeek = { openMinute: 5, closeMinute: 4 * 1440 + 23 * 60 + 50 };

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const WEEK_POINT_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** `Mon 00:05` as minutes after Monday 00:00 server time, or undefined when malformed. */
export function parseWeekPoint(text: string): number | undefined {
  const m = WEEK_POINT_RE.exec(text);
  if (!m) return undefined;
  return WEEKDAY_NAMES.indexOf(m[1] as (typeof WEEKDAY_NAMES)[number]) * 1440 + +m[2]! * 60 + +m[3]!;
}

/** Minutes after Monday 00:00 as `Mon 00:05`. */
export function formatWeekPoint(minute: number): string {
  const day = Math.floor(minute / 1440);
  const rest = minute - day * 1440;
  return `${WEEKDAY_NAMES[day]} ${String(Math.floor(rest / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
}

const FULL_DAY: Record<string, string> = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' };

/** The trading week as a reason names it: `Monday 00:05 – Friday 23:50 server time`. */
export function describeTradingWeek(w: TradingWeek): string {
  const full = (m: number): string => {
    const [day, time] = formatWeekPoint(m).split(' ');
    return `${FULL_DAY[day!]} ${time}`;
  };
  return `${full(w.openMinute)} – ${full(w.closeMinute)} server time`;
}

/**
 * Milliseconds since Monday 00:00 of the server week containing t, in integers: 1970-01-01 was a
 * Thursday (day 3 counting Monday as 0), so the weekday is (days since the epoch + 3) mod 7.
 * No Date object: this runs for every quote and every price row.
 */
function weekMs(t: ServerTime): number {
  const day = Math.floor(t / DAY);
  const dow = (((day + 3) % 7) + 7) % 7;
  return dow * DAY + (t - day * DAY);
}

export function isMarketOpen(t: ServerTime, w: TradingWeek = DEFAULT_TRADING_WEEK): boolean {
  const m = weekMs(t);
  return m >= w.openMinute * MINUTE && m < w.closeMinute * MINUTE;
}

/** The next market open at or after t. */
export function nextMarketOpen(t: ServerTime, w: TradingWeek = DEFAULT_TRADING_WEEK): ServerTime {
  if (isMarketOpen(t, w)) return t;
  const m = weekMs(t);
  const mondayStart = t - m;
  const open = mondayStart + w.openMinute * MINUTE;
  return serverTime(m < w.openMinute * MINUTE ? open : open + 7 * DAY);
}

/** PAMM execution window (DOMAIN §6): the daily rollover, Monday–Saturday 00:00–00:15 server time. */
export const PAMM_WINDOW_MINUTES = 15;

/** When a PAMM request placed at t executes: at once inside a window, else at the next window's start. */
export function nextPammWindow(t: ServerTime): ServerTime {
  const dayStart = Math.floor(t / DAY) * DAY;
  if (new Date(dayStart).getUTCDay() !== 0 && t - dayStart < PAMM_WINDOW_MINUTES * MINUTE) return t;
  let day = dayStart + DAY;
  while (new Date(day).getUTCDay() === 0) day += DAY;
  return serverTime(day);
}

/** Trading-month boundaries (00:05 server time on the 1st) in (from, to], with the label of the month that ends. */
export function monthEnds(from: ServerTime, to: ServerTime): Array<{ time: ServerTime; label: string }> {
  return calendarEnds(from, to, 1, (y, m) => `${y}-${String(m + 1).padStart(2, '0')}`);
}

/** Boundaries at 00:05 on the 1st of every `months`-th month (January-aligned), labelled by the period that ends. */
function calendarEnds(from: ServerTime, to: ServerTime, months: number, label: (y: number, m: number) => string): Array<{ time: ServerTime; label: string }> {
  const out: Array<{ time: ServerTime; label: string }> = [];
  const d = new Date(from);
  let y = d.getUTCFullYear(), mo = d.getUTCMonth() - (d.getUTCMonth() % months);
  for (;;) {
    const boundary = Date.UTC(y, mo, 1, 0, 5);
    if (boundary > to) break;
    // A run starting in the last five minutes before a boundary (00:00 on the 1st) has no part of that period.
    if (boundary - from > 5 * MINUTE) {
      const prev = new Date(Date.UTC(y, mo - months, 1));
      out.push({ time: serverTime(boundary), label: label(prev.getUTCFullYear(), prev.getUTCMonth()) });
    }
    mo += months;
    if (mo >= 12) { mo -= 12; y += 1; }
  }
  return out;
}

const ymd = (t: number): string => new Date(t).toISOString().slice(0, 10);

/**
 * Fee-period ends in (from, to]: `daily` at each rollover after a trading day (00:00,
 * Tuesday–Saturday), `weekly` at the rollover after Friday (Saturday 00:00), `monthly`,
 * `quarterly` and `annual` at 00:05 on the 1st (the trading month of DOMAIN §7).
 */
export function periodEnds(period: 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'annual', from: ServerTime, to: ServerTime): Array<{ time: ServerTime; label: string }> {
  if (period === 'monthly') return monthEnds(from, to);
  if (period === 'quarterly') return calendarEnds(from, to, 3, (y, m) => `${y}-Q${m / 3 + 1}`);
  if (period === 'annual') return calendarEnds(from, to, 12, (y) => `${y}`);
  const out: Array<{ time: ServerTime; label: string }> = [];
  for (let day = Math.floor(from / DAY) * DAY + DAY; day <= to; day += DAY) {
    const dow = new Date(day).getUTCDay(); // the day that starts at this rollover
    if (period === 'daily' && dow >= 2 && dow <= 6) out.push({ time: serverTime(day), label: ymd(day - DAY) });
    if (period === 'weekly' && dow === 6) out.push({ time: serverTime(day), label: `week of ${ymd(day - 5 * DAY)}` });
  }
  return out;
}
