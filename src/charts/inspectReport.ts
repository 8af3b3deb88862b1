// The inspection as HTML with no script: totals, reliability diagram, loss by position (inline SVG), the token
// strip coloured by loss (each token's title holds its loss, p, rank and top-5) and the worst tokens. Used as a
// self-contained page by `losslab inspect --format html` and as the body of the Loss Inspector's view.
import type { InspectReport, ReliabilityBin } from '../protocol/inspect';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number | null, d = 4) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** Reliability diagram: accuracy per confidence bin (bars) against the diagonal of perfect calibration. */
export function reliabilitySvg(bins: ReliabilityBin[], width = 260, height = 220): string {
  const pad = 30;
  const w = width - pad - 8, h = height - pad - 8;
  const x = (v: number) => pad + v * w, y = (v: number) => 8 + (1 - v) * h;
  const bars = bins
    .filter((b) => b.count > 0)
    .map((b) => `<rect class="bar" x="${x(b.lower).toFixed(1)}" y="${y(b.accuracy!).toFixed(1)}" width="${(w / bins.length - 1).toFixed(1)}" height="${(b.accuracy! * h).toFixed(1)}"><title>confidence ${fmt(b.lower, 2)}–${fmt(b.upper, 2)}: ${b.count} tokens, accuracy ${fmt(b.accuracy, 3)}, mean confidence ${fmt(b.confidence, 3)}</title></rect>`)
    .join('');
  return `<svg class="chart reliability" viewBox="0 0 ${width} ${height}" role="img" aria-label="reliability diagram">
<line class="axis" x1="${pad}" y1="${y(0)}" x2="${x(1)}" y2="${y(0)}"/><line class="axis" x1="${pad}" y1="${y(0)}" x2="${pad}" y2="${y(1)}"/>
${bars}<line class="diagonal" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}"/>
<text x="${x(0.5)}" y="${height - 4}" text-anchor="middle">confidence (max p)</text><text x="10" y="${y(0.5)}" transform="rotate(-90 10 ${y(0.5)})" text-anchor="middle">accuracy</text>
<text x="${pad}" y="${y(0) + 12}" text-anchor="middle">0</text><text x="${x(1)}" y="${y(0) + 12}" text-anchor="middle">1</text></svg>`;
}

/** Mean loss by position t as a line. */
export function positionSvg(values: (number | null)[], width = 420, height = 220): string {
  const pad = 36;
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(1e-9, ...finite);
  const x = (t: number) => pad + (values.length > 1 ? t / (values.length - 1) : 0.5) * (width - pad - 8);
  const y = (v: number) => 8 + (1 - v / top) * (height - pad - 8);
  const points = values.map((v, t) => (v === null ? '' : `${x(t).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean).join(' ');
  return `<svg class="chart positions" viewBox="0 0 ${width} ${height}" role="img" aria-label="loss by position">
<line class="axis" x1="${pad}" y1="${y(0)}" x2="${width - 8}" y2="${y(0)}"/><line class="axis" x1="${pad}" y1="${y(0)}" x2="${pad}" y2="8"/>
<polyline class="line" points="${points}"/><text x="${pad - 4}" y="14" text-anchor="end">${top.toFixed(2)}</text><text x="${pad - 4}" y="${y(0)}" text-anchor="end">0</text>
<text x="${(pad + width) / 2}" y="${height - 4}" text-anchor="middle">position t (0 … ${values.length - 1})</text></svg>`;
}

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
      cells.push(`<span class="tok ${heat(loss)}" title="${esc(title)}" data-loss="${fmt(loss)}">${esc(name(target)).replace(/\n/g, '⏎') || '∅'}</span>`);
    }
    rows.push(`<div class="strip"><span class="seq">${b}</span>${cells.join('')}</div>`);
  }
  return `<section><h2>Tokens coloured by loss</h2>${rows.join('')}</section>`;
}

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
<section class="charts"><figure><figcaption>Reliability diagram</figcaption>${reliabilitySvg(r.reliability)}</figure><figure><figcaption>Mean loss by position</figcaption>${positionSvg(r.by_position)}</figure></section>
${stripHtml(r, text)}
<section><h2>Worst tokens</h2><table class="worst"><thead><tr><th data-key="0">seq</th><th data-key="1">pos</th><th>target</th><th data-key="3">loss</th><th data-key="4">p</th><th data-key="5">rank</th><th data-key="6">entropy</th><th>top-5</th></tr></thead><tbody>${worst}</tbody></table></section>`;
}

export const REPORT_CSS = `table{border-collapse:collapse}th,td{padding:2px 8px;text-align:left}td.num{font-variant-numeric:tabular-nums}
.worst td{font-family:monospace;font-size:12px}.worst th[data-key]{cursor:pointer}
.charts{display:flex;gap:24px;flex-wrap:wrap}.chart{width:100%;max-width:420px;height:auto}.chart text{font-size:10px;fill:currentColor}
.axis{stroke:currentColor;stroke-width:1}.diagonal{stroke:#888;stroke-dasharray:4 3}.bar{fill:#268bd2;opacity:.8}.line{fill:none;stroke:#268bd2;stroke-width:1.5}
.strip{font-family:monospace;font-size:12px;line-height:1.9;margin:2px 0;white-space:pre-wrap}.seq{color:#888;margin-right:8px}
.tok{padding:1px 1px;border-radius:2px}.h0{background:rgba(220,50,47,0.00)}.h1{background:rgba(220,50,47,0.11)}.h2{background:rgba(220,50,47,0.22)}.h3{background:rgba(220,50,47,0.33)}.h4{background:rgba(220,50,47,0.44)}.h5{background:rgba(220,50,47,0.56)}.h6{background:rgba(220,50,47,0.67)}.h7{background:rgba(220,50,47,0.78)}.h8{background:rgba(220,50,47,0.89)}.h9{background:rgba(220,50,47,1.00)}.tok.ignored{color:#999}.warning{margin:4px 0}.explain{max-width:60em;opacity:.75}`;

export function inspectHtml(r: InspectReport, text?: (id: number) => string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Loss Inspector — ${esc(r.file.split(/[\\/]/).pop() ?? '')}</title><style>body{font-family:system-ui,sans-serif;margin:16px;color:#222;background:#fff}${REPORT_CSS}</style></head><body><h1>${esc(r.file.split(/[\\/]/).pop() ?? '')}</h1>${reportBody(r, text)}</body></html>\n`;
}
