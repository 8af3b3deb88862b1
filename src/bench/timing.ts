// Median timing of a prepared action: `prepare` runs untimed before each timed call.

/** What a bench row measures: milliseconds (a time) or megabytes (a memory growth). */
export type Unit = 'ms' | 'MB';

/** One bench row: the engine's figure against a baseline's, both in `unit` (ms unless said). */
export type Report = (name: string, engine: number, baseline: string, baselineValue: number | undefined, unit?: Unit) => void;

export function median(sorted: number[]): number {
  const s = [...sorted].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** `warmUp`: one untimed call first (caches, sessions, JIT); leave it out for a call that takes seconds. */
export async function time(repeats: number, prepare: () => Promise<() => unknown>, warmUp = true): Promise<number> {
  const samples: number[] = [];
  const warmUps = warmUp ? 1 : 0;
  for (let i = 0; i < repeats + warmUps; i++) {
    const action = await prepare();
    const t0 = performance.now();
    await action();
    if (i >= warmUps) samples.push(performance.now() - t0);
  }
  return median(samples);
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));
/** A figure followed by its own unit: "   123.4 ms", "   123.4 MB". */
const figure = (value: number, unit: Unit) => `${value.toFixed(1).padStart(8)} ${unit}`;

/** A row as `npm run bench` prints it: each figure with its unit, then the ratio. */
export function textRow(name: string, engine: number, baseline: string, baselineValue: number, unit: Unit = 'ms'): string {
  return `${name.padEnd(34)} engine ${figure(engine, unit)}  ${baseline.padEnd(14)} ${figure(baselineValue, unit)}  ratio ${(engine / baselineValue).toFixed(3)}`;
}

/** A row as `npm run bench -- --json` prints it: the figures' keys end in their unit (engine_ms, engine_mb). */
export function jsonRow(name: string, engine: number, baseline: string, baselineValue: number, unit: Unit = 'ms'): Record<string, string | number> {
  const key = unit.toLowerCase();
  return { name, [`engine_${key}`]: round(engine), baseline, [`baseline_${key}`]: round(baselineValue), ratio: round(engine / baselineValue, 3) };
}
