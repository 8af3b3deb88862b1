// What a playground scene is, and the helpers every scene uses: charts drawn with Plotly.react, numbers,
// an inline message line, and an update loop that asks the engine for everything it shows.
import { themeFromCss, type ChartTheme } from '../../charts/theme';
import type { ScenePayload } from '../../protocol/notebook';
import type { PanelSceneId, ToPanel } from '../../protocol/panel';
import type { EngineBridge } from './engine';
import { formulaBlock, type FormulaView, type TermTargets } from './formula';
import { latestOnly } from './engine';
import { LiveBars } from './liveBars';

export interface SceneContext {
  engine: EngineBridge;
  /** Sends the scene to a new notebook: code that recomputes it, and a snapshot of what it shows. */
  openInNotebook(title: string, code: string, snapshot: Omit<ScenePayload, 'version' | 'title'>): void;
  theme(): ChartTheme;
  /** Records one input→painted latency (read by the browser tests). */
  painted(ms: number): void;
  /**
   * The scene's state as it was when the panel was hidden or the window reloaded (the webview is rebuilt
   * then), else `defaults`. The returned object is saved again with every update.
   */
  restore<T extends object>(key: string, defaults: T): T;
  /** Saves every restored state object now (updates do this themselves). */
  save(): void;
  /** Calls `listener` whenever the editor's colour theme changes (charts take their colours from it). */
  onThemeChange(listener: () => void): void;
}

export interface Scene {
  /** Listed in PANEL_SCENES: the host accepts no other scene id. */
  id: PanelSceneId;
  title: string;
  /** Builds the scene's controls and charts into `root` and starts its update loop. */
  mount(root: HTMLElement, ctx: SceneContext): void;
  /** A message from the host for this scene (training metrics), whether or not it is shown. */
  receive?(message: ToPanel): void;
}

export function themeNow(): ChartTheme {
  return themeFromCss((name) => getComputedStyle(document.body).getPropertyValue(name));
}

/** What a scene says about itself: its "what to notice" line and the chart traces its formula's terms name. */
export interface SceneFormula {
  notice: string;
  terms: TermTargets;
}

/**
 * The scene skeleton: a controls column; beside it the formula with its live numbers, an inline message, and
 * the charts with their numbers block right next to them.
 */
export function layoutScene(root: HTMLElement, about: SceneFormula): { controls: HTMLElement; numbers: HTMLElement; message: HTMLElement; charts: HTMLElement; formula: FormulaView } {
  root.className = 'scene';
  const controls = document.createElement('div');
  controls.className = 'controls';
  const main = document.createElement('div');
  main.className = 'main';
  const formula = formulaBlock(main, about.notice, about.terms);
  const message = document.createElement('div');
  message.className = 'message';
  message.setAttribute('role', 'alert');
  const results = document.createElement('div');
  results.className = 'results';
  const charts = document.createElement('div');
  charts.className = 'charts';
  const numbers = document.createElement('div');
  numbers.className = 'numbers';
  numbers.setAttribute('aria-live', 'polite');
  results.append(charts, numbers);
  main.append(message, results);
  root.append(controls, main);
  return { controls, numbers, message, charts, formula };
}

/**
 * A chart slot. The first draw, or a change of layout or trace count, goes through Plotly.react. A draw that
 * changes only values is one Plotly.update of x/y/marker/base and any changed ranges: a single redraw however
 * many subplots the figure holds. Bar heights alone move the drawn bars at once (LiveBars) and the full
 * update follows when the values have rested for a moment.
 */
export function chartSlot(parent: HTMLElement, id: string): (data: Record<string, unknown>[], layout: Record<string, unknown>) => Promise<unknown> {
  const div = document.createElement('div');
  div.dataset.chart = id;
  parent.appendChild(div);
  const live = new LiveBars(div);
  let drawnLayout = '';
  let drawnRanges: Record<string, unknown> = {};
  let drawnTraces = -1;
  let settle: ReturnType<typeof setTimeout> | undefined;
  // The full update a bars-only move still owes (its restyle after SETTLE_MS); a redraw for a resize pays it.
  let owed: { data: Record<string, unknown>[]; ranges: Record<string, unknown> } | undefined;
  let drawnData: Record<string, unknown>[] | undefined;
  const full = async (draw: () => Promise<unknown>, data: Record<string, unknown>[]) => {
    clearTimeout(settle);
    settle = undefined;
    owed = undefined;
    const start = performance.now();
    await draw();
    drawnData = data;
    live.capture(data);
    performance.measure('chart full draw', { start });
  };
  // The chart's column narrows when the numbers block beside it grows (its lines follow the values), which no
  // window resize reports: redraw at the slot's width, or the plot runs under the numbers.
  let width = 0;
  new ResizeObserver(() => {
    const now = div.clientWidth;
    if (!now || now === width || !drawnData) return;
    width = now;
    const pending = owed;
    void full(async () => {
      await Plotly.Plots.resize(div);
      if (pending) await restyle(pending.data, pending.ranges);
    }, pending?.data ?? drawnData);
  }).observe(div);
  const restyle = (data: Record<string, unknown>[], ranges: Record<string, unknown>) => {
    const update: Record<string, unknown[]> = { x: data.map((d) => d.x), y: data.map((d) => d.y) };
    for (const key of ['marker.color', 'base'] as const) {
      const values = data.map((d) => (key === 'base' ? d.base : (d.marker as { color?: unknown } | undefined)?.color));
      if (values.some((v) => v !== undefined)) update[key] = values;
    }
    const changed = Object.fromEntries(Object.entries(ranges).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(drawnRanges[k])));
    drawnRanges = ranges;
    return Plotly.update(div, update, changed, data.map((_, i) => i));
  };
  return (data, layout) => {
    const { shape: layoutShape, ranges } = splitRanges(layout);
    // Names, line styles, text: anything but the values restyled below needs the full draw.
    const shape = layoutShape + traceShapes(data);
    if (shape === drawnLayout && data.length === drawnTraces) {
      const start = performance.now();
      if (JSON.stringify(ranges) === JSON.stringify(drawnRanges) && live.move(data)) {
        performance.measure('chart bars moved', { start });
        clearTimeout(settle);
        owed = { data, ranges };
        settle = setTimeout(() => void full(() => restyle(data, ranges), data), SETTLE_MS);
        return Promise.resolve();
      }
      return full(() => restyle(data, ranges), data);
    }
    drawnLayout = shape;
    drawnRanges = ranges;
    drawnTraces = data.length;
    return full(() => Plotly.react(div, data, layout, { displaylogo: false, responsive: true }), data);
  };
}

/** The traces without the values an update restyles (x, y, base, marker colours). */
function traceShapes(data: Record<string, unknown>[]): string {
  return JSON.stringify(data, function (this: unknown, key, value: unknown) {
    if (Array.isArray(this)) return value;
    if (key === 'x' || key === 'y' || key === 'base') return undefined;
    if (key === 'color' && this && data.some((d) => d.marker === this)) return undefined;
    return value;
  });
}

/** How long values must rest before the full redraw that follows bars moved in place. */
const SETTLE_MS = 150;

/** The layout without axis ranges (its "shape"), and the ranges as Plotly.update keys ('yaxis2.range'). */
function splitRanges(layout: Record<string, unknown>): { shape: string; ranges: Record<string, unknown> } {
  const ranges: Record<string, unknown> = {};
  const shape = JSON.stringify(layout, function (this: Record<string, unknown>, key, value: unknown) {
    if (key === 'range' && this !== layout) {
      const axis = Object.keys(layout).find((k) => layout[k] === this);
      if (axis) ranges[`${axis}.range`] = value;
      return undefined;
    }
    return value;
  });
  return { shape, ranges };
}

export function baseLayout(theme: ChartTheme, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 12 } },
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { color: theme.foreground, family: theme.font, size: 11 },
    xaxis: { gridcolor: theme.grid },
    yaxis: { gridcolor: theme.grid, zerolinecolor: theme.foreground },
    margin: { l: 45, r: 10, t: 30, b: 30 },
    height: 240,
    showlegend: true,
    legend: { orientation: 'h', y: -0.2 },
    ...extra,
  };
}

/**
 * The update loop of a scene: errors go to the inline message, never break the panel; reruns on a theme change.
 * Each run gets a copy of the scene's settings taken when it starts, so what it prints after waiting for the engine
 * is what the engine computed, even when a control moves meanwhile (the next run then shows the new value).
 */
export function updater<S extends object>(ctx: SceneContext, message: HTMLElement, settings: S, update: (at: Readonly<S>) => Promise<void>): () => void {
  const run = latestOnly(async () => {
    try {
      await update(structuredClone(settings));
      message.textContent = '';
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      ctx.save();
    }
  }, ctx.painted);
  ctx.onThemeChange(run);
  return run;
}

/**
 * Bar colours of a gradient, one meaning in every scene: negative (gradient descent raises the value) in the
 * palette's green, positive in its red.
 */
export const gradientColors = (theme: ChartTheme, grad: number[]) => grad.map((g) => (g < 0 ? theme.palette[2] : theme.palette[3]));

/** Formats a number for the numbers block. */
export const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(4) : v.toFixed(4)) : String(v));
