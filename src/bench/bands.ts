// Bands of a large sweep recomputed on a smoothing change: 50 runs × 100,000 points of one tag through
// groupBand (each member smoothed, aligned to the union of steps, mean / std / min / max), against a plain loop
// that only sums the same 5,000,000 values (the floor of anything that reads them once). Goal: ≤ 100 ms.
import { groupBand } from '../charts/bandFigures';
import { seriesFrom, type Run } from '../logs/model';
import { time, type Report } from './timing';

const RUNS = 50;
const POINTS = 100_000;

function sweep(): Run[] {
  return Array.from({ length: RUNS }, (_, r) => {
    const steps = Array.from({ length: POINTS }, (_, i) => i * 10);
    const loss = seriesFrom(steps, steps.map((_, i) => 2 * Math.exp(-i / 3e4) + 0.05 * Math.sin(i * 0.7 + r)));
    return { name: `lr=3e-4/seed=${r}`, format: 'jsonl', scalars: { loss }, skipped: {} };
  });
}

export async function benchBands(report: Report): Promise<void> {
  const runs = sweep();
  let weight = 0.6;
  // Each call is a smoothing change: the weight moves, so nothing of the last call's work can be reused.
  const band = await time(5, async () => {
    weight = weight >= 0.9 ? 0.6 : weight + 0.05;
    return () => groupBand(runs, 'loss', weight, 'ema');
  });
  const sum = await time(5, async () => () => {
    let total = 0;
    for (const run of runs) {
      const v = run.scalars.loss.values;
      for (let i = 0; i < v.length; i++) total += v[i];
    }
    return total;
  });
  report(`bands ${RUNS} runs × ${POINTS / 1000}k points, smoothing change`, band, 'sum loop', sum);
}
