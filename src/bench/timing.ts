// Median timing of a prepared action: `prepare` runs untimed before each timed call.
export type Report = (name: string, engineMs: number, baseline: string, baselineMs: number | undefined) => void;

export function median(sorted: number[]): number {
  const s = [...sorted].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function time(repeats: number, prepare: () => Promise<() => unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats + 1; i++) {
    const action = await prepare();
    const t0 = performance.now();
    await action();
    if (i > 0) samples.push(performance.now() - t0); // the first call warms caches and sessions
  }
  return median(samples);
}
