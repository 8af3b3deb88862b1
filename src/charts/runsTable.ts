// The runs table: one row per run, its hyperparameters and the last and minimum value of each tag. Only
// hyperparameters that differ between the runs get a column (all of them when there is a single run), so a
// 100-key TrainingArguments dump shows the three that were swept. Pure: runs in, cells out; sorting too.
import type { HParamValue, Run } from '../logs/model';

export type Cell = HParamValue | undefined;

export interface Column {
  key: string;
  label: string;
  kind: 'hparam' | 'last' | 'min';
  /** The tag of a last/min column. */
  tag?: string;
}

export interface RunRow {
  run: string;
  cells: Record<string, Cell>;
}

export interface RunsTable {
  columns: Column[];
  rows: RunRow[];
}

/** The last finite value and the least finite value of `values` (undefined when none is finite). */
function lastAndMin(values: ArrayLike<number>): { last?: number; min?: number } {
  let last: number | undefined;
  let min: number | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    last = v;
    if (min === undefined || v < min) min = v;
  }
  return { last, min };
}

export function runsTable(runs: readonly Run[]): RunsTable {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.hparams ?? {})))].sort();
  const differing = keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.hparams?.[k] ?? null))).size > 1);
  const hparams = runs.length > 1 ? differing : keys;
  const tags = [...new Set(runs.flatMap((r) => Object.keys(r.scalars).filter((t) => r.scalars[t].values.length)))].sort();
  const columns: Column[] = [
    ...hparams.map((k): Column => ({ key: `hparam:${k}`, label: k, kind: 'hparam' })),
    ...tags.flatMap((tag): Column[] => [
      { key: `last:${tag}`, label: `${tag} (last)`, kind: 'last', tag },
      { key: `min:${tag}`, label: `${tag} (min)`, kind: 'min', tag },
    ]),
  ];
  const rows = runs.map((run): RunRow => {
    const cells: Record<string, Cell> = {};
    for (const k of hparams) cells[`hparam:${k}`] = run.hparams?.[k];
    for (const tag of tags) {
      const s = Object.hasOwn(run.scalars, tag) ? run.scalars[tag] : undefined;
      const { last, min } = lastAndMin(s?.values ?? []);
      cells[`last:${tag}`] = last;
      cells[`min:${tag}`] = min;
    }
    return { run: run.name, cells };
  });
  return { columns, rows };
}

/** Orders cells: numbers by value, then strings and booleans by text (numeric-aware); empty cells always last. */
export function compareCells(a: Cell, b: Cell): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** `rows` sorted by column `key` (by run name for "run"); stable, empty cells last in both directions. */
export function sortRows(rows: readonly RunRow[], key: string, descending = false): RunRow[] {
  const cell = (r: RunRow): Cell => (key === 'run' ? r.run : r.cells[key]);
  return [...rows].sort((x, y) => {
    const a = cell(x);
    const b = cell(y);
    if (a === undefined || b === undefined) return compareCells(a, b);
    return descending ? compareCells(b, a) : compareCells(a, b);
  });
}

/** A cell as the table writes it: numbers to 6 significant digits, empty as "". */
export function formatCell(c: Cell): string {
  if (c === undefined) return '';
  if (typeof c === 'number') return Number.isInteger(c) && Math.abs(c) < 1e15 ? String(c) : c.toPrecision(6).replace(/\.?0+(e|$)/, '$1');
  return String(c);
}
