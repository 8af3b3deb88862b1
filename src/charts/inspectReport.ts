// The inspection as HTML: totals, the checks, places for the charts (plotly figures of inspectFigures.ts), the
// token strip coloured by loss (each token's title holds its loss, p, rank and top-5) and the worst tokens. The
// body of the Loss Inspector's view, and a self-contained page for `losslab inspect --format html`.
import type { InspectReport } from '../protocol/inspect';
import { inspectFigures } from './inspectFigures';
import { scriptJson } from './report';
import { LIGHT_THEME } from './theme';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number | null, d = 4) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** Loss → one of 10 heat classes (log scale up to 10 nats): classes, not inline styles, so a strict CSP holds. */
function heat(loss: number): string {
  if (!Number.isFinite(loss)) return 'h9';
  return `h${Math.min(9, Math.floor((Math.log1p(Math.max(0, loss)) / Math.log1p(10)) * 10))}`;
}

/** Token strips, one per sequence (at most `maxSequences`, `maxTokens` each). */
export function stripHtml(r: InspectReport, text?: (id: number) => string, maxSequences = 16, maxTokens = 512): string {
  if (!r.strip) return '';
  const name = (id: number) => (text ? text(id) : String(id));
  const T = r.shape.positions;
  const rows: string[] = [];
  for (let b = 0; b < Math.min(r.shape.sequences, maxSequences); b++) {
    const cells: string[] = [];
    for (let t = 0; t < Math.min(T, maxTokens); t++) {
      const i = b * T + t;
      const loss = r.strip.loss[i];
      const target = r.strip.target[i];
      if (target < 0) {
        cells.push(`<span class="tok ignored" title="position ${t}: not counted">·</span>`);
        continue;
      }
      const title = `position ${t}: ${name(target)} (id ${target})\nloss ${fmt(loss)}  p ${r.strip.p[i].toExponential(2)}  rank ${r.strip.rank[i]}\ntop-5: ${r.strip.top5[i].map(name).join(' | ')}`;
      cells.push(`<span class="tok ${heat(loss)}" title="${esc(title)}" data-i="${i}" data-loss="${fmt(loss)}">${esc(name(target)).replace(/\n/g, '⏎') || '∅'}</span>`);
    }
    rows.push(`<div class="strip"><span class="seq">${b}</span>${cells.join('')}</div>`);
  }
  return `<section><h2>Tokens coloured by loss</h2>${rows.join('')}</section>`;
}

/** The charts' places, by figure name (`Figure.metric`). */
const FIGURES = ['reliability', 'by-position', 'histogram'];

export function reportBody(r: InspectReport, text?: (id: number) => string): string {
  const name = (id: number) => esc(text ? JSON.stringify(text(id)) : String(id));
  const gap = r.loss_token_mean !== null && r.loss_sequence_mean !== null ? r.loss_sequence_mean - r.loss_token_mean : null;
  const totals = [
    ['tokens counted', `${r.tokens} of ${r.shape.sequences * r.shape.positions}`],
    ['loss, token mean', fmt(r.loss_token_mean)],
    ['loss, sequence mean', fmt(r.loss_sequence_mean)],
    ['perplexity', fmt(r.perplexity, 3)],
    ['top-1 accuracy', fmt(r.top1)],
    ['top-5 accuracy', fmt(r.top5)],
    ['ECE (15 bins)', fmt(r.ece)],
  ];
  const warnings = r.warnings.map((w) => `<li class="warning" data-code="${w.code}"><b>${esc(w.code)}</b> ${esc(w.message)}${w.scene ? ` <a class="scene" data-scene="${w.scene}" href="#">open in playground</a>` : ''}</li>`).join('');
  const worst = r.worst
    .map((w) => `<tr><td>${w.sequence}</td><td>${w.position}</td><td>${name(w.target)}</td><td>${fmt(w.loss)}</td><td>${w.p.toExponential(2)}</td><td>${w.rank}</td><td>${fmt(w.entropy, 3)}</td><td>${w.top5.map(name).join(' ')}</td></tr>`)
    .join('');
  return `<section class="totals"><table>${totals.map(([k, v]) => `<tr><th>${k}</th><td class="num" data-total="${k}">${v}</td></tr>`).join('')}</table>
<p class="explain">The token mean divides the summed loss by all ${r.tokens} counted tokens (what <code>F.cross_entropy</code> returns); the sequence mean averages each sequence's own mean, so short sequences weigh as much as long ones${gap === null ? '' : ` (here ${gap >= 0 ? '+' : ''}${gap.toFixed(4)})`}.</p></section>
${warnings ? `<section><h2>Checks</h2><ul class="warnings">${warnings}</ul></section>` : ''}
<section class="charts">${FIGURES.map((f) => `<div class="chart" data-figure="${f}"></div>`).join('')}</section>
${stripHtml(r, text)}
<section><h2>Worst tokens</h2><table class="worst"><thead><tr><th data-key="0">seq</th><th data-key="1">pos</th><th>target</th><th data-key="3">loss</th><th data-key="4">p</th><th data-key="5">rank</th><th data-key="6">entropy</th><th>top-5</th></tr></thead><tbody>${worst}</tbody></table></section>`;
}

export const REPORT_CSS = `table{border-collapse:collapse}th,td{padding:2px 8px;text-align:left}td.num{font-variant-numeric:tabular-nums}
.worst td{font-family:monospace;font-size:12px}.worst th[data-key]{cursor:pointer}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px;margin:12px 0}.chart{min-height:300px}
.strip{font-family:monospace;font-size:12px;line-height:1.9;margin:2px 0;white-space:pre-wrap}.seq{color:#888;margin-right:8px}
.tok{padding:1px 1px;border-radius:2px}.h0{background:rgba(220,50,47,0.00)}.h1{background:rgba(220,50,47,0.11)}.h2{background:rgba(220,50,47,0.22)}.h3{background:rgba(220,50,47,0.33)}.h4{background:rgba(220,50,47,0.44)}.h5{background:rgba(220,50,47,0.56)}.h6{background:rgba(220,50,47,0.67)}.h7{background:rgba(220,50,47,0.78)}.h8{background:rgba(220,50,47,0.89)}.h9{background:rgba(220,50,47,1.00)}.tok.ignored{color:#999}.warning{margin:4px 0}.explain{max-width:60em;opacity:.75}`;

/** A standalone page (plotly inlined, no network): the report with its charts drawn in the light theme. */
export function inspectHtml(r: InspectReport, plotlySource: string, text?: (id: number) => string): string {
  const name = esc(r.file.split(/[\\/]/).pop() ?? '');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Loss Inspector — ${name}</title><style>body{font-family:system-ui,sans-serif;margin:16px;color:#222;background:#fff}${REPORT_CSS}</style>
<script>${plotlySource.replace(/<\/script/gi, '<\\/script')}</script></head><body><h1>${name}</h1>${reportBody(r, text)}
<script>for (const f of ${scriptJson(inspectFigures(r, LIGHT_THEME))}) Plotly.newPlot(document.querySelector('[data-figure="' + f.metric + '"]'), f.data, f.layout, { displaylogo: false, responsive: true });</script></body></html>
`;
}
