// `losslab plot LOG... [-o OUT] [--format html|csv|json] [--runs RE] [--tags RE] [--group-by RE | --group-level K]
//  [--band std|minmax] [--smoothing W] [--smoother ema|time_ema|moving_average] [--log-y] [--x step|wall_time|relative|TAG]`
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { htmlReport } from '../charts/report';
import { LIGHT_THEME } from '../charts/theme';
import { DEFAULT_SELECTION, isGrouped, selectRuns, viewFigures, xAxisNotes, type CurveSelection } from '../charts/curveView';
import { DEFAULT_CURVE_OPTIONS } from '../charts/trainingCurves';
import { scalarsCsv, scalarsJson } from '../logs/export';
import { detectFormat, findLogFiles, loadRuns } from '../logs/files';
import type { GroupBy } from '../logs/groups';
import { isSmoother, SMOOTHERS } from '../logs/smoothing';
import { monotoneTags } from '../logs/xAxis';

const LOG_FILES = 'trainer_state.json, *.jsonl, metrics.json, *.csv, training.log and TensorBoard event files';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const USAGE = 'usage: losslab plot LOG... [-o OUT] [--format html|csv|json] [--runs REGEX] [--tags REGEX] [--group-by REGEX | --group-level K] [--band std|minmax] [--smoothing 0.6] [--smoother ema|time_ema|moving_average] [--log-y] [--x step|wall_time|relative|TAG]\n';

/** The view's selection from the command line, or an error message naming the bad argument. */
function selectionOf(args: string[]): CurveSelection | string {
  const level = flag(args, '--group-level');
  const pattern = flag(args, '--group-by');
  let groupBy: GroupBy = { kind: 'none' };
  if (level !== undefined) {
    if (!/^\d+$/.test(level)) return `--group-level expects a folder level (0 for the first folder), got '${level}'`;
    groupBy = { kind: 'folder', level: Number(level) };
  } else if (pattern !== undefined) groupBy = { kind: 'regex', pattern };
  const band = flag(args, '--band') ?? 'std';
  if (band !== 'std' && band !== 'minmax') return `--band expects std or minmax, got '${band}'`;
  return { ...DEFAULT_SELECTION, runFilter: flag(args, '--runs') ?? '', tagFilter: flag(args, '--tags') ?? '', groupBy, band };
}

export async function plotCommand(args: string[]): Promise<number> {
  const valued = new Set(['-o', '--out', '--format', '--smoothing', '--smoother', '--x', '--runs', '--tags', '--group-by', '--group-level', '--band']);
  const logs = args.filter((a, i) => !a.startsWith('-') && !valued.has(args[i - 1]));
  if (!logs.length) {
    process.stderr.write(USAGE);
    return 2;
  }
  const format = flag(args, '--format') ?? 'html';
  const selection = selectionOf(args);
  if (format !== 'html' && format !== 'csv' && format !== 'json') {
    process.stderr.write(`losslab plot: --format expects html, csv or json, got '${format}'\n`);
    return 2;
  }
  const smoother = flag(args, '--smoother') ?? 'ema';
  if (!isSmoother(smoother)) {
    process.stderr.write(`losslab plot: --smoother expects ${SMOOTHERS.join(', ')}, got '${smoother}'\n`);
    return 2;
  }
  if (typeof selection === 'string') {
    process.stderr.write(`losslab plot: ${selection}\n`);
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
  const selected = selectRuns(runs, selection);
  if (selected.errors.length) {
    process.stderr.write(selected.errors.map((e) => `losslab plot: ${e}\n`).join(''));
    return 2;
  }
  const chosen = flag(args, '-o') ?? flag(args, '--out');
  if (format !== 'html') {
    // Scalars of the runs and tags the filters keep, to stdout or to -o.
    const text = format === 'csv' ? scalarsCsv(selected.runs) : JSON.stringify(scalarsJson(selected.runs)) + '\n';
    if (chosen) {
      writeFileSync(path.resolve(chosen), text);
      process.stderr.write(`wrote ${path.resolve(chosen)}: ${selected.runs.length} run(s)\n`);
    } else process.stdout.write(text);
    return 0;
  }
  const out = path.resolve(chosen ?? 'report.html');
  const smoothing = Number(flag(args, '--smoothing') ?? 0.6);
  if (!selected.runs.some((r) => Object.keys(r.scalars).length)) {
    process.stderr.write(`losslab plot: no scalars in ${logs.join(', ')}${selection.runFilter || selection.tagFilter ? ' that pass --runs/--tags' : ''}: nothing to plot\n`);
    return 1;
  }
  const x = flag(args, '--x') ?? 'step';
  if (x.trim() === '') {
    process.stderr.write(`losslab plot: --x expects step, wall_time, relative or the tag of a logged series, got '${x}'\n`);
    return 2;
  }
  const options = { ...DEFAULT_CURVE_OPTIONS, smoothing, smoother, logY: args.includes('--log-y'), x };
  // A run whose x series is missing or decreases is named and left out; the others are drawn.
  const axisNotes = xAxisNotes(selected, isGrouped(selection), options.x);
  for (const note of axisNotes) process.stderr.write(`losslab plot: ${note}\n`);
  notes.push(...axisNotes);
  const figures = viewFigures(selected, isGrouped(selection), selection.band, LIGHT_THEME, options);
  if (!figures.length) {
    const tags = monotoneTags(selected.sources);
    process.stderr.write(`losslab plot: no run can be drawn with --x ${x}: nothing to plot (series that never decrease: ${tags.join(', ') || 'none'})\n`);
    return 1;
  }
  const plotly = readFileSync(path.join(__dirname, 'plotly.min.js'), 'utf8');
  writeFileSync(out, htmlReport(`Training curves: ${logs.map((l) => path.basename(l)).join(', ')}`, figures, plotly, notes));
  const where = chosen ? '' : ' (no -o given: report.html in the current folder)';
  process.stderr.write(`wrote ${out}${where}: ${figures.length} charts from ${selected.runs.length} run(s)${isGrouped(selection) ? ` in ${selected.groups.length} group(s)` : ''}\n`);
  return 0;
}
