// RSS growth of a log reader, measured in a fresh process that does nothing but read: the bench's own heap
// (which wrote the logs) would hide it. `node dist/bench.js --rss <reader> <path>` prints {"growthMb": …}.
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadRuns } from '../logs/files';
import type { Run } from '../logs/model';

export const READERS: Record<string, (target: string) => Promise<Run[]>> = {
  /** The folder as the log view loads it: every run, held at the end. */
  runs: (target) => loadRuns(target),
};

/** In the child: the peak RSS growth while the reader runs, over the RSS after a full collection before it. */
export async function measureRss(reader: string, target: string): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const runs = await READERS[reader](target);
  peak = Math.max(peak, process.memoryUsage.rss());
  clearInterval(sample);
  let points = 0;
  for (const run of runs) for (const s of Object.values(run.scalars)) points += s.values.length;
  console.log(JSON.stringify({ growthMb: (peak - before) / 2 ** 20, points }));
}

/** Runs `reader` over `target` in a child process of this bench; its RSS growth in MB and the points it read. */
export function rssGrowthOf(reader: string, target: string): { growthMb: number; points: number } {
  const out = execFileSync(process.execPath, [process.argv[1], '--rss', reader, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}
