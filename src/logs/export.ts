// Scalars written out for other tools: long-format CSV (run, tag, step, wall_time, value — what
// pandas.read_csv and a spreadsheet take as is) and JSON. Pure; the caller writes the text.
import { toPoints, type Run } from './model';

/** A CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break. */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A value as pandas reads it back: shortest round-trip decimal, nan, inf, -inf. */
function number(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

export const CSV_HEADER = 'run,tag,step,wall_time,value';

/** One row per point, runs and tags in the order given, points in file order; no wall time → empty field. */
export function scalarsCsv(runs: readonly Run[], keepTag: (tag: string) => boolean = () => true): string {
  const lines = [CSV_HEADER];
  for (const run of runs) {
    const name = field(run.name);
    for (const [tag, s] of Object.entries(run.scalars)) {
      if (!keepTag(tag)) continue;
      const prefix = `${name},${field(tag)},`;
      for (let i = 0; i < s.values.length; i++) {
        const w = s.wallTimes[i];
        lines.push(`${prefix}${number(s.steps[i])},${w === null ? '' : number(w)},${number(s.values[i])}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** {"<tag>": [[step, wall_time, value], ...]}; tags are "<run>/<tag>" when there are several runs; NaN → null. */
export function scalarsJson(runs: readonly Run[], keepTag: (tag: string) => boolean = () => true): Record<string, [number, number | null, number | null][]> {
  const out: Record<string, [number, number | null, number | null][]> = {};
  for (const run of runs) {
    for (const [tag, series] of Object.entries(run.scalars)) {
      if (!keepTag(tag)) continue;
      out[runs.length > 1 ? `${run.name}/${tag}` : tag] = toPoints(series).map(([s, w, v]) => [s, w, Number.isFinite(v) ? v : null]);
    }
  }
  return out;
}
