// Bars that follow a dragged slider. A full Plotly redraw of a 50-class figure (150 bars) costs ~20 ms in the
// webview here, more than a frame; moving the bars' own SVG paths costs under 1 ms. So, between full draws, an
// update that changes only bar heights (and colours) is written straight into the paths Plotly drew, through
// Plotly's own value→pixel maps of each bar's axis, and one full draw follows once the input rests (which also
// brings hover labels up to date). Anything else — other trace kinds, new categories, NaN, a changed axis —
// is not "only heights" and goes to the full draw.

interface PlottedAxis {
  type?: string;
  c2p(value: number): number;
}

interface PlottedFigure extends HTMLElement {
  _fullLayout?: Record<string, PlottedAxis | undefined>;
  _fullData?: { type?: string; orientation?: string; yaxis?: string }[];
}

interface BarPath {
  path: SVGPathElement;
  x0: string;
  x1: string;
}

/** Trace data as the scenes give it to Plotly. */
export type TraceData = Record<string, unknown>;

export class LiveBars {
  private bars: BarPath[][] | undefined;
  private axes: PlottedAxis[] = [];
  private categories = '';

  constructor(private readonly figure: PlottedFigure) {}

  /** Reads the paths of the figure Plotly just drew fully; the next heights-only update can move them. */
  capture(data: TraceData[]): void {
    this.bars = undefined;
    const layout = this.figure._fullLayout;
    const full = this.figure._fullData;
    if (!layout || !full || full.length !== data.length || full.some((t) => t.type !== 'bar' || t.orientation === 'h')) return;
    const bars: BarPath[][] = data.map(() => []);
    for (const group of this.figure.querySelectorAll<SVGGElement & { __data__?: { trace?: { index?: number } }[] }>('.barlayer .trace')) {
      const index = group.__data__?.[0]?.trace?.index;
      if (index === undefined || !bars[index]) return;
      for (const path of group.querySelectorAll<SVGPathElement>('.point path')) {
        const m = /^M([^,]+),[^V]+V[^H]+H([^V]+)V/.exec(path.getAttribute('d') ?? '');
        if (!m) return; // an empty bar (NaN, zero width): no geometry to move
        bars[index].push({ path, x0: m[1], x1: m[2] });
      }
    }
    const axes = full.map((t) => layout[`yaxis${(t.yaxis ?? 'y').slice(1)}`]);
    if (axes.some((a) => !a || a.type !== 'linear') || bars.some((b, i) => b.length !== values(data[i], 'y').length)) return;
    this.bars = bars;
    this.axes = axes as PlottedAxis[];
    this.categories = JSON.stringify(data.map((d) => d.x));
  }

  /** Moves the bars to the new heights if that is all that changed; false means: draw fully. */
  move(data: TraceData[]): boolean {
    const bars = this.bars;
    if (!bars || bars.length !== data.length || JSON.stringify(data.map((d) => d.x)) !== this.categories) return false;
    const ys = data.map((d) => values(d, 'y'));
    const bases = data.map((d) => (d.base === undefined ? undefined : values(d, 'base')));
    if (ys.some((y, i) => y.length !== bars[i].length || !y.every(Number.isFinite)) || bases.some((b) => b && !b.every(Number.isFinite))) return false;
    data.forEach((d, i) => {
      const axis = this.axes[i];
      const colors = (d.marker as { color?: unknown } | undefined)?.color;
      bars[i].forEach((bar, j) => {
        const base = bases[i]?.[j] ?? 0;
        const y0 = axis.c2p(base);
        const y1 = axis.c2p(base + ys[i][j]);
        bar.path.setAttribute('d', `M${bar.x0},${y0}V${y1}H${bar.x1}V${y0}Z`);
        if (Array.isArray(colors)) bar.path.style.fill = String(colors[j]);
      });
    });
    return true;
  }
}

function values(d: TraceData, key: 'y' | 'base'): number[] {
  const v = d[key];
  return Array.isArray(v) ? (v as number[]) : [];
}
