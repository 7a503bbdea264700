// "Did you mean …?" for a mistyped command or option: the closest known name, only when close.

/** Edit distance counting an adjacent transposition as one edit (`quite` → `quiet`), as people mistype. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Case and dashes do not count: `--dataDir` and `--datadir` mean `--data-dir`. */
function folded(s: string): string {
  return s.toLowerCase().replace(/[-_]/g, '');
}

/**
 * The known name closest to `typed`, or undefined when none is close: one edit for short names,
 * two from five letters on, or a unique prefix (`--wor` → `--workers`), or for a single letter the
 * first name it starts (`-o` → `--out`). Ties go to the earlier name in `known`, which lists the
 * most used first.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const t = folded(typed);
  if (t === '') return undefined;
  const same = known.find((k) => folded(k) === t);
  if (same) return same;
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(t, folded(k));
    if (d <= (k.length >= 5 ? 2 : 1) && (!best || d < best.d)) best = { name: k, d };
  }
  if (best) return best.name;
  const prefixed = known.filter((k) => folded(k).startsWith(t));
  // One letter is a short option as other tools spell them (`-o` for --out): the first (most used) name it starts.
  return prefixed.length === 1 || (t.length === 1 && prefixed.length > 0) ? prefixed[0] : undefined;
}
