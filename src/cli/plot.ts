// `losslab plot LOG... [-o report.html] [--format json] [--smoothing W] [--log-y] [--x step|wall_time]`
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { htmlReport } from '../charts/report';
import { LIGHT_THEME } from '../charts/theme';
import { trainingFigures } from '../charts/trainingCurves';
import { loadRuns } from '../logs/files';
import { toPoints, type Run } from '../logs/model';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** {"<tag>": [[step, wall_time, value], ...]}; tags are "<run>/<tag>" when there are several runs; NaN → null. */
export function scalarsJson(runs: Run[]): Record<string, [number, number | null, number | null][]> {
  const out: Record<string, [number, number | null, number | null][]> = {};
  for (const run of runs) {
    for (const [tag, series] of Object.entries(run.scalars)) {
      out[runs.length > 1 ? `${run.name}/${tag}` : tag] = toPoints(series).map(([s, w, v]) => [s, w, Number.isFinite(v) ? v : null]);
    }
  }
  return out;
}

export async function plotCommand(args: string[]): Promise<number> {
  const valued = new Set(['-o', '--out', '--format', '--smoothing', '--x']);
  const logs = args.filter((a, i) => !a.startsWith('-') && !valued.has(args[i - 1]));
  if (!logs.length) {
    process.stderr.write('usage: losslab plot LOG... [-o report.html] [--format json] [--smoothing 0.6] [--log-y] [--x step|wall_time]\n');
    return 2;
  }
  const runs = (await Promise.all(logs.map((l) => loadRuns(path.resolve(l))))).flat();
  if (flag(args, '--format') === 'json') {
    process.stdout.write(JSON.stringify(scalarsJson(runs)) + '\n');
    return 0;
  }
  const out = flag(args, '-o') ?? flag(args, '--out') ?? 'report.html';
  const smoothing = Number(flag(args, '--smoothing') ?? 0.6);
  const figures = trainingFigures(runs, LIGHT_THEME, { smoothing, logY: args.includes('--log-y'), x: flag(args, '--x') === 'wall_time' ? 'wall_time' : 'step' });
  const notes = runs.flatMap((r) => Object.entries(r.skipped).map(([why, n]) => `${r.name}: skipped ${n} × ${why}`));
  const plotly = readFileSync(path.join(__dirname, 'plotly.min.js'), 'utf8');
  writeFileSync(out, htmlReport(`Training curves: ${logs.map((l) => path.basename(l)).join(', ')}`, figures, plotly, notes));
  process.stderr.write(`wrote ${out}: ${figures.length} charts from ${runs.length} run(s)\n`);
  return 0;
}
