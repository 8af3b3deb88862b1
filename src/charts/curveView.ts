// What the training-curve view shows, as one value the panel remembers and sends with every export: run and
// tag filters, runs unticked in the run list, grouping into bands. The panel, the exported HTML and
// `losslab plot` all draw through viewFigures, so they agree (same runs, same colours). Pure.
import { PASS_ALL, FilterError, parseFilter, type NameFilter } from '../logs/filters';
import { groupRuns, type GroupBy, type RunGroup } from '../logs/groups';
import type { Run } from '../logs/model';
import { xSeriesTag, type XAxis } from '../logs/xAxis';
import { bandFigures, type BandKind } from './bandFigures';
import { placementNotes, placementOf } from './curveAxis';
import type { ChartTheme } from './theme';
import { trainingFigures, type CurveOptions, type Figure } from './trainingCurves';

export interface CurveSelection {
  runFilter: string;
  tagFilter: string;
  /** Runs unticked in the run list. */
  hidden: string[];
  groupBy: GroupBy;
  band: BandKind;
}

export const DEFAULT_SELECTION: CurveSelection = { runFilter: '', tagFilter: '', hidden: [], groupBy: { kind: 'none' }, band: 'std' };

export interface Selected {
  /** The runs shown, with only the tags that pass the tag filter. */
  runs: Run[];
  /** The same runs with all their tags: where an x series hidden by the tag filter is found. */
  sources: Run[];
  /** Groups of the shown runs (one per run when ungrouped). */
  groups: RunGroup[];
  /** Why a filter or the grouping was not applied (an invalid regex), for the status line. */
  errors: string[];
}

function filterOf(text: string, what: string, errors: string[]): NameFilter {
  try {
    return parseFilter(text, what);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    errors.push(error.message);
    return PASS_ALL;
  }
}

/** Applies `selection` to `runs`: an invalid regex leaves its filter (or the grouping) off and says so. */
export function selectRuns(runs: readonly Run[], selection: CurveSelection): Selected {
  const errors: string[] = [];
  const runFilter = filterOf(selection.runFilter, 'run', errors);
  const tagFilter = filterOf(selection.tagFilter, 'tag', errors);
  const hidden = new Set(selection.hidden);
  const sources = runs.filter((r) => runFilter.test(r.name) && !hidden.has(r.name));
  const shown = sources.map((r) => ({ ...r, scalars: Object.fromEntries(Object.entries(r.scalars).filter(([tag]) => tagFilter.test(tag))) }));
  let groups: RunGroup[];
  try {
    groups = groupRuns(shown.map((r) => r.name), selection.groupBy);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    errors.push(error.message);
    groups = groupRuns(shown.map((r) => r.name), { kind: 'none' });
  }
  return { runs: shown, sources, groups, errors };
}

export function isGrouped(selection: CurveSelection): boolean {
  return selection.groupBy.kind !== 'none';
}

/** The charts for `selected`: bands when grouped (over steps), every run's own curves on the x axis chosen otherwise. */
export function viewFigures(selected: Selected, grouped: boolean, band: BandKind, theme: ChartTheme, options: CurveOptions): Figure[] {
  return grouped ? bandFigures(selected.runs, selected.groups, theme, options, band) : trainingFigures(selected.runs, theme, options, placementOf(selected.sources, options.x));
}

/** What the status line says of a logged series chosen as the x axis: runs not drawn on it, points left out. */
export function xAxisNotes(selected: Selected, grouped: boolean, x: XAxis): string[] {
  return grouped || !xSeriesTag(x) ? [] : placementNotes(selected.runs, placementOf(selected.sources, x), x);
}
