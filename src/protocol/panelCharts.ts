// The check of a chart in a scene snapshot the panel sends to a notebook: the form the renderer draws, within
// the sizes of PANEL_LIMITS. A NaN on a chart arrives as null (JSON has no NaN) and is drawn as a gap.
import type { ScenePayload } from './notebook';
import { PANEL_LIMITS as LIMIT } from './panel';
import { array, keys, object, refuse, show, string } from './panelFields';

export type ChartJson = ScenePayload['charts'][number];

/** How many chart values a snapshot holds so far. */
interface ChartBudget {
  values: number;
}

function values(v: unknown, length: number | undefined, what: string, budget: ChartBudget): number[] {
  const a = array(v, LIMIT.seriesValues, what);
  if (length !== undefined && a.length !== length) refuse(`${what} has ${a.length} values for ${length} points`);
  budget.values += a.length;
  if (budget.values > LIMIT.chartValues) refuse(`the snapshot's charts hold more than ${LIMIT.chartValues} values`);
  a.forEach((x, i) => {
    if (x !== null && !(typeof x === 'number' && Number.isFinite(x))) refuse(`${what}[${i}] must be a number, got ${show(x)}`);
  });
  return a.slice() as number[];
}

function series<T extends 'values' | 'y'>(v: unknown, field: T, length: number, what: string, budget: ChartBudget): ({ name: string } & Record<T, number[]>)[] {
  return array(v, LIMIT.charts, `${what}: series`).map((s, i) => {
    const o = object(s, `${what}: series ${i}`);
    keys(o, ['name', field], `${what}: series ${i}`);
    const name = string(o.name, LIMIT.title, `${what}: series ${i} name`);
    return { name, [field]: values(o[field], length, `${what}: series '${name}' ${field}`, budget) } as { name: string } & Record<T, number[]>;
  });
}

const optionalString = (v: unknown, what: string) => (v === undefined ? undefined : string(v, LIMIT.title, what));

export function checkChart(c: unknown, what: string, budget: ChartBudget): ChartJson {
  const o = object(c, what);
  if (o.version !== undefined && o.version !== 1) refuse(`${what}: version must be 1, got ${show(o.version)}`);
  const title = optionalString(o.title, `${what}: title`);
  if (o.kind === 'distribution') {
    keys(o, ['kind', 'version', 'title', 'labels', 'series'], what);
    const labels = array(o.labels, LIMIT.seriesValues, `${what}: labels`).map((l, i) => string(l, LIMIT.title, `${what}: labels[${i}]`));
    return { kind: 'distribution', version: 1, ...(title === undefined ? {} : { title }), labels, series: series(o.series, 'values', labels.length, what, budget) };
  }
  if (o.kind === 'curve') {
    keys(o, ['kind', 'version', 'title', 'x', 'series', 'xTitle', 'yTitle', 'logY'], what);
    const x = values(o.x, undefined, `${what}: x`, budget);
    const xTitle = optionalString(o.xTitle, `${what}: xTitle`);
    const yTitle = optionalString(o.yTitle, `${what}: yTitle`);
    if (o.logY !== undefined && typeof o.logY !== 'boolean') refuse(`${what}: logY must be true or false, got ${show(o.logY)}`);
    return {
      kind: 'curve',
      version: 1,
      ...(title === undefined ? {} : { title }),
      x,
      series: series(o.series, 'y', x.length, what, budget),
      ...(xTitle === undefined ? {} : { xTitle }),
      ...(yTitle === undefined ? {} : { yTitle }),
      ...(o.logY === undefined ? {} : { logY: o.logY as boolean }),
    };
  }
  return refuse(`${what}: kind must be 'distribution' or 'curve', got ${show(o.kind)}`);
}
