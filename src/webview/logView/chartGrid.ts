// The log view's grid of charts (browser): one slot per metric, in figure order. A slot keeps its figure's
// place (its height) and is drawn only near the viewport: the nearest first, one step at a time with a paint
// between steps, so the first chart shows before the others are drawn and the page answers meanwhile.
import type { Figure } from '../../charts/trainingCurves';
import { t } from '../l10n';
import { button } from '../ui/components';

interface Slot {
  metric: string;
  div: HTMLElement;
  plot: HTMLElement;
  figure: Figure;
  /** The JSON of the figure last drawn (undefined: not drawn yet). */
  drawn?: string;
  /** The PNG button, made when the chart is first drawn (a folder has thousands of slots). */
  png?: HTMLElement;
}

/** A drawing step goes on to the next chart only within this time; one chart is drawn per step at least. */
const STEP_MS = 30;
const DEFAULT_HEIGHT = 420;

export class ChartGrid {
  private readonly slots = new Map<string, Slot>();
  private readonly byPlot = new Map<Element, Slot>();
  /** Slots near the viewport whose figure may differ from the one drawn. */
  private readonly queue = new Set<Slot>();
  private stepPending = false;
  // A viewport above and below counts as near: charts are drawn before they are scrolled to.
  private readonly observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        const slot = this.byPlot.get(e.target);
        if (!slot) continue;
        if (e.isIntersecting) this.queue.add(slot);
        else this.queue.delete(slot);
      }
      this.scheduleStep();
    },
    { rootMargin: '100% 0px' },
  );

  constructor(private readonly grid: HTMLElement, private readonly savePng: (metric: string, plot: HTMLElement, height: number) => void) {}

  get size(): number {
    return this.slots.size;
  }

  /** A chart's width in px, once the grid has one (every column is as wide). */
  width(): number | undefined {
    return this.slots.values().next().value?.div.clientWidth || undefined;
  }

  /**
   * Shows these figures, in this order (slots of other metrics are removed); the charts in view are drawn now,
   * those near it in the steps after.
   */
  show(figures: readonly Figure[]): void {
    this.place(figures);
    this.step();
  }

  /** Gives each figure its slot, in this order, without drawing (slots of other metrics are removed). */
  place(figures: readonly Figure[]): void {
    const shown = new Set(figures.map((f) => f.metric));
    for (const slot of this.slots.values()) if (!shown.has(slot.metric)) this.remove(slot);
    for (const [i, figure] of figures.entries()) {
      const slot = this.slots.get(figure.metric) ?? this.add(figure);
      // A slot in its place is not moved (moving thousands re-lays out the page and reconnects their buttons).
      if (this.grid.children[i] !== slot.div) this.grid.insertBefore(slot.div, this.grid.children[i] ?? null);
      slot.figure = figure;
      slot.plot.style.minHeight = `${Number(figure.layout.height ?? DEFAULT_HEIGHT)}px`;
      // The observer reports a new slot a frame later, a drawn one only when it enters or leaves the margin: each
      // is queued now, and the step drops those far from the viewport.
      this.queue.add(slot);
    }
  }

  private add(figure: Figure): Slot {
    const div = document.createElement('div');
    div.className = 'chart';
    div.dataset.metric = figure.metric;
    const head = document.createElement('div');
    head.className = 'chart-head';
    const plot = document.createElement('div');
    plot.className = 'plot';
    div.append(head, plot);
    const slot: Slot = { metric: figure.metric, div, plot, figure };
    this.slots.set(figure.metric, slot);
    this.byPlot.set(plot, slot);
    this.observer.observe(plot);
    return slot;
  }

  private remove(slot: Slot): void {
    this.observer.unobserve(slot.plot);
    this.queue.delete(slot);
    Plotly.purge(slot.plot);
    slot.div.remove();
    this.slots.delete(slot.metric);
    this.byPlot.delete(slot.plot);
  }

  /** Runs a step after the next paint. */
  private scheduleStep(): void {
    if (this.stepPending || !this.queue.size) return;
    this.stepPending = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.stepPending = false;
        this.step();
      }),
    );
  }

  /** Draws the queued slots nearest the viewport, for STEP_MS at most (one at least); the rest after a paint. */
  private step(): void {
    const end = performance.now() + STEP_MS;
    do {
      const slot = this.nearest();
      if (!slot) break;
      this.queue.delete(slot);
      this.draw(slot);
    } while (performance.now() < end);
    this.scheduleStep();
  }

  /** The queued slot nearest the viewport; queued slots beyond the margin leave the queue (the observer brings them back). */
  private nearest(): Slot | undefined {
    let best: Slot | undefined;
    let bestDistance = Infinity;
    for (const slot of this.queue) {
      const { top, bottom } = slot.plot.getBoundingClientRect();
      const distance = top >= innerHeight ? top - innerHeight : bottom <= 0 ? -bottom : 0;
      if (distance > innerHeight) this.queue.delete(slot);
      else if (distance < bestDistance) [best, bestDistance] = [slot, distance];
    }
    return best;
  }

  private draw(slot: Slot): void {
    const key = JSON.stringify(slot.figure);
    if (key === slot.drawn) return;
    slot.drawn = key;
    if (!slot.png) {
      const plot = slot.plot as HTMLElement & { layout?: { height?: number } };
      // As tall as drawn: the figure's height holds its legend.
      slot.png = button(t('PNG'), () => this.savePng(slot.metric, plot, plot.layout?.height ?? DEFAULT_HEIGHT));
      slot.div.querySelector('.chart-head')!.append(slot.png);
    }
    // plotly.js writes into the objects it is given (ranges, defaults): it draws a copy, so the figure stays as
    // built and its JSON says whether the next one differs.
    const { data, layout } = structuredClone(slot.figure);
    void Plotly.react(slot.plot, data, layout, { displaylogo: false, responsive: true });
  }
}
