// Server time: the broker's trading-server wall clock, held as milliseconds since
// 1970-01-01T00:00 *server* time, so weekdays and month boundaries read straight off it.
export type ServerTime = number & { readonly __serverTime: unique symbol };

export function serverTime(ms: number): ServerTime {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`invalid server time ${ms}`);
  return ms as ServerTime;
}

/** ISO-like text without a zone, e.g. 2024-03-04T10:00:00 (milliseconds shown only when set). */
export function formatServerTime(t: ServerTime): string {
  const iso = new Date(t).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}
