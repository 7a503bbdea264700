// Seeded random streams: one named stream per consumer, each derived from the run seed and
// its own name, so adding a generator never shifts another generator's draws.
import seedrandom from 'seedrandom';

export interface RandomStream {
  /** Uniform in [0, 1). */
  next(): number;
  /** Approximately standard normal (Irwin–Hall, 12 uniforms): only + and −, so bit-identical everywhere. */
  normal(): number;
}

export function stream(seed: number | string, name: string): RandomStream {
  const prng = seedrandom(`mamlab:${seed}:${name}`);
  const next = (): number => prng.double();
  return {
    next,
    normal() {
      let s = 0;
      for (let i = 0; i < 12; i++) s += next();
      return s - 6;
    },
  };
}
