// Server time: the broker's trading-server wall clock, held as milliseconds since
// 1970-01-01T00:00 *server* time, so weekdays and month boundaries read straight off it.
export type ServerTime = number & { readonly __serverTime: unique symbol };

export function serverTime(ms: number): ServerTime {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`invalid server time ${ms}`);
  return ms as ServerTime;
}

/** The last few times formatted: rows of one instant share their time, and a run writes millions of rows. */
const FORMATTED = new Map<number, string>();

/** ISO-like text without a zone, e.g. 2024-03-04T10:00:00 (milliseconds shown only when set). */
export function formatServerTime(t: ServerTime): string {
  let text = FORMATTED.get(t);
  if (text === undefined) {
    const iso = new Date(t).toISOString();
    text = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
    if (FORMATTED.size >= 64) FORMATTED.clear();
    FORMATTED.set(t, text);
  }
  return text;
}

/** The server day a time falls on, as a day count (server time is kept as if UTC, so days split at 00:00 server time). */
export const dayOf = (t: number): number => Math.floor(t / 86_400_000);

/** Whether `time` is the last instant of its server day in a run whose next instant is `next` (none after the last). */
export const endsDay = (time: number, next: number | undefined): boolean => next === undefined || dayOf(next) !== dayOf(time);
