// `losslab plot LOG... [-o report.html] [--format json] [--smoothing W] [--log-y] [--x step|wall_time]`
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { htmlReport } from '../charts/report';
import { LIGHT_THEME } from '../charts/theme';
import { trainingFigures } from '../charts/trainingCurves';
import { detectFormat, findLogFiles, loadRuns } from '../logs/files';
import { toPoints, type Run } from '../logs/model';

const LOG_FILES = 'trainer_state.json, *.jsonl, metrics.json, *.csv, training.log and TensorBoard event files';

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
  const missing = logs.filter((l) => !existsSync(l));
  if (missing.length) {
    process.stderr.write(`losslab plot: no such file or folder: ${missing.join(', ')}\n`);
    return 1;
  }
  const empty = logs.filter((l) => !findLogFiles(path.resolve(l)).some((f) => detectFormat(f)));
  if (empty.length) {
    process.stderr.write(`losslab plot: no training logs found under ${empty.join(', ')} (looked for ${LOG_FILES})\n`);
    return 1;
  }
  // A file that cannot be read is skipped and named; the rest are plotted.
  const unreadable: string[] = [];
  const runs = (await Promise.all(logs.map((l) => loadRuns(path.resolve(l), (e) => unreadable.push(`skipped ${e.file}: ${e.reason}`))))).flat();
  const notes = [...unreadable, ...runs.flatMap((r) => Object.entries(r.skipped).map(([why, n]) => `${r.name}: skipped ${n} × ${why}`))];
  for (const note of notes) process.stderr.write(`losslab plot: ${note}\n`);
  if (!runs.length && unreadable.length) return 1;
  if (flag(args, '--format') === 'json') {
    process.stdout.write(JSON.stringify(scalarsJson(runs)) + '\n');
    return 0;
  }
  const chosen = flag(args, '-o') ?? flag(args, '--out');
  const out = path.resolve(chosen ?? 'report.html');
  const smoothing = Number(flag(args, '--smoothing') ?? 0.6);
  if (!runs.some((r) => Object.keys(r.scalars).length)) {
    process.stderr.write(`losslab plot: no scalars in ${logs.join(', ')}: nothing to plot\n`);
    return 1;
  }
  const figures = trainingFigures(runs, LIGHT_THEME, { smoothing, logY: args.includes('--log-y'), x: flag(args, '--x') === 'wall_time' ? 'wall_time' : 'step' });
  const plotly = readFileSync(path.join(__dirname, 'plotly.min.js'), 'utf8');
  writeFileSync(out, htmlReport(`Training curves: ${logs.map((l) => path.basename(l)).join(', ')}`, figures, plotly, notes));
  const where = chosen ? '' : ' (no -o given: report.html in the current folder)';
  process.stderr.write(`wrote ${out}${where}: ${figures.length} charts from ${runs.length} run(s)\n`);
  return 0;
}
