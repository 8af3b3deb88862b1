// A standalone HTML page of training-curve figures: plotly inlined, no network, opens anywhere.
import type { Figure } from './trainingCurves';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function htmlReport(title: string, figures: Figure[], plotlySource: string, notes: string[] = []): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 16px; color: #333; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 12px; }
  .note { color: #a15c00; }
</style>
<script>${plotlySource.replace(/<\/script/gi, '<\\/script')}</script>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<div class="grid" id="charts"></div>
<script>
  const figures = ${scriptJson(figures)};
  for (const f of figures) {
    const div = document.createElement('div');
    document.getElementById('charts').appendChild(div);
    Plotly.newPlot(div, f.data, f.layout, { displaylogo: false, responsive: true });
  }
</script>
</body>
</html>
`;
}
