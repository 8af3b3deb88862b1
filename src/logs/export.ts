// Scalars written out for other tools: long-format CSV (run, tag, step, wall_time, value — what
// pandas.read_csv and a spreadsheet take as is) and JSON. Pure; the caller writes the text.
import { wallTimeAt, type Run, type Series } from './model';

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

/**
 * Value `i` of `s` as its log wrote it: a float32 value as the shortest decimal that reads back as the same
 * float32 (0.1, not 0.10000000149011612), as TensorBoard and numpy print float32.
 */
function valueAt(s: Series, i: number): number {
  const v = s.values[i];
  if (!(s.values instanceof Float32Array) || !Number.isFinite(v)) return v;
  for (let digits = 1; digits < 9; digits++) {
    const short = Number(v.toPrecision(digits));
    if (Math.fround(short) === v) return short;
  }
  return v;
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
        const w = wallTimeAt(s, i);
        lines.push(`${prefix}${number(s.steps[i])},${w === null ? '' : number(w)},${number(valueAt(s, i))}`);
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
      out[runs.length > 1 ? `${run.name}/${tag}` : tag] = Array.from(series.values, (v, i) => [series.steps[i], wallTimeAt(series, i), Number.isFinite(v) ? valueAt(series, i) : null]);
    }
  }
  return out;
}
