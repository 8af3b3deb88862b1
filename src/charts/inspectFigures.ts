// The Loss Inspector's charts as plotly figures in the editor's theme: the reliability diagram (accuracy per
// confidence bin against the diagonal of perfect calibration, Guo et al. 2017), mean loss by position t and
// the loss histogram. Drawn by the Inspector's view and by `losslab inspect --format html`.
import type { InspectReport } from '../protocol/inspect';
import type { ChartTheme } from './theme';
import type { Figure } from './trainingCurves';

function layout(theme: ChartTheme, title: string, x: string, y: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 13 } },
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { color: theme.foreground, family: theme.font, size: 11 },
    xaxis: { title: { text: x }, gridcolor: theme.grid, zerolinecolor: theme.grid },
    yaxis: { title: { text: y }, gridcolor: theme.grid, zerolinecolor: theme.grid },
    margin: { l: 55, r: 15, t: 35, b: 45 },
    height: 300,
    showlegend: false,
    hovermode: 'closest',
    ...extra,
  };
}

/** Accuracy per confidence bin (every bin drawn, empty ones at 0 with their count in the hover). */
export function reliabilityFigure(r: InspectReport, theme: ChartTheme): Figure {
  const bins = r.reliability;
  return {
    metric: 'reliability',
    data: [
      {
        type: 'bar',
        name: 'accuracy',
        x: bins.map((b) => (b.lower + b.upper) / 2),
        y: bins.map((b) => b.accuracy ?? 0),
        width: bins.map((b) => (b.upper - b.lower) * 0.92),
        customdata: bins.map((b) => [b.lower, b.upper, b.count, b.confidence ?? NaN]),
        hovertemplate: 'confidence %{customdata[0]:.2f}–%{customdata[1]:.2f}<br>%{customdata[2]} tokens<br>accuracy %{y:.3f}<br>mean confidence %{customdata[3]:.3f}<extra></extra>',
        marker: { color: theme.palette[0], opacity: 0.85 },
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: 'perfect calibration',
        x: [0, 1],
        y: [0, 1],
        line: { color: theme.foreground, dash: 'dash', width: 1 },
        hoverinfo: 'skip',
      },
    ],
    layout: layout(theme, `Reliability diagram (${bins.length} bins, ECE ${r.ece === null ? '—' : r.ece.toFixed(4)})`, 'confidence (max p)', 'accuracy', {
      xaxis: { title: { text: 'confidence (max p)' }, range: [0, 1], gridcolor: theme.grid, zerolinecolor: theme.grid },
      yaxis: { title: { text: 'accuracy' }, range: [0, 1], gridcolor: theme.grid, zerolinecolor: theme.grid },
    }),
  };
}

export function positionFigure(r: InspectReport, theme: ChartTheme): Figure {
  return {
    metric: 'by-position',
    data: [{
      type: 'scatter',
      mode: r.by_position.length > 60 ? 'lines' : 'lines+markers',
      x: r.by_position.map((_, t) => t),
      y: r.by_position,
      connectgaps: false,
      line: { color: theme.palette[1], width: 1.5 },
      hovertemplate: 'position %{x}<br>mean loss %{y:.4f}<extra></extra>',
    }],
    layout: layout(theme, 'Mean loss by position', 'position t', 'loss (nats)'),
  };
}

export function histogramFigure(r: InspectReport, theme: ChartTheme): Figure {
  const { edges, counts } = r.histogram;
  return {
    metric: 'histogram',
    data: [{
      type: 'bar',
      x: counts.map((_, j) => (edges[j] + edges[j + 1]) / 2),
      y: counts,
      width: counts.map((_, j) => (edges[j + 1] - edges[j]) * 0.95),
      customdata: counts.map((_, j) => [edges[j], edges[j + 1]]),
      hovertemplate: 'loss %{customdata[0]:.3f}–%{customdata[1]:.3f}<br>%{y} tokens<extra></extra>',
      marker: { color: theme.palette[3], opacity: 0.85 },
    }],
    layout: layout(theme, 'Loss histogram', 'loss (nats)', 'tokens'),
  };
}

export function inspectFigures(r: InspectReport, theme: ChartTheme): Figure[] {
  return [reliabilityFigure(r, theme), positionFigure(r, theme), histogramFigure(r, theme)];
}
