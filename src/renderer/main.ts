// Runs in the notebook's output webview (browser): draws Loss Lab's MIME types — distributions and curves
// with the shared figure builders and plotly (bundled), tensors as tables — in the editor's theme. A bad
// payload gets an inline message; a cleared output disposes its chart. Works in .ipynb outputs too.
import type { ActivationFunction } from 'vscode-notebook-renderer';
import Plotly from 'plotly.js-basic-dist-min';
import { curveFigure, distributionFigure, payloadProblem } from '../charts/notebookFigures';
import { themeFromCss } from '../charts/theme';
import { MIME, type CurvePayload, type DistributionPayload, type ScenePayload, type TensorPayload } from '../protocol/notebook';

function tensorTable(p: TensorPayload): HTMLElement {
  const table = document.createElement('table');
  table.className = 'losslab-tensor';
  const [rows, cols] = p.shape.length === 2 ? p.shape : [1, p.shape[0] ?? 1];
  for (let r = 0; r < rows; r++) {
    const tr = table.insertRow();
    for (let c = 0; c < cols; c++) tr.insertCell().textContent = Number(p.data[r * cols + c]).toPrecision(6);
  }
  if (p.title) table.createCaption().textContent = p.title;
  return table;
}

const DEFAULT_HEIGHT = 280;

/** Charts by output id (a snapshot's charts as "id#n"), purged when VS Code disposes their output. */
const charts = new Map<string, HTMLElement>();

function purge(id: string): void {
  for (const [key, el] of charts) {
    if (key !== id && !key.startsWith(`${id}#`)) continue;
    Plotly.purge(el);
    charts.delete(key);
  }
}

export const activate: ActivationFunction = () => ({
  renderOutputItem(item, element) {
    purge(item.id);
    element.replaceChildren();
    let payload: unknown;
    try {
      payload = item.json();
    } catch {
      payload = undefined;
    }
    const problem = payloadProblem(item.mime, payload);
    if (problem) {
      const p = document.createElement('p');
      p.style.color = 'var(--vscode-errorForeground)';
      p.textContent = `Loss Lab cannot draw this ${item.mime} output: ${problem}.`;
      element.appendChild(p);
      return;
    }
    if (item.mime === MIME.tensor) return void element.appendChild(tensorTable(payload as TensorPayload));
    const theme = themeFromCss((name) => getComputedStyle(element).getPropertyValue(name));
    const draw = (figure: { data: unknown[]; layout: unknown }, key: string) => {
      const div = document.createElement('div');
      div.className = 'losslab-chart';
      // A fixed height: with \`responsive\`, plotly sizes the chart to its container on every window resize, and
      // the output webview resizes whenever its content does — a container sized by its chart grew forever.
      div.style.height = `${(figure.layout as { height?: number }).height ?? DEFAULT_HEIGHT}px`;
      element.appendChild(div);
      charts.set(key, div);
      void Plotly.newPlot(div, figure.data, figure.layout, { displaylogo: false, responsive: true });
    };
    if (item.mime === MIME.scene) {
      const scene = payload as ScenePayload;
      const heading = document.createElement('strong');
      heading.textContent = `${scene.title} (Loss Playground snapshot)`;
      const numbers = document.createElement('pre');
      numbers.textContent = scene.numbers;
      element.append(heading, numbers);
      scene.charts.forEach((c, i) => draw(c.kind === 'curve' ? curveFigure(c, theme) : distributionFigure(c, theme), `${item.id}#${i}`));
      return;
    }
    draw(item.mime === MIME.curve ? curveFigure(payload as CurvePayload, theme) : distributionFigure(payload as DistributionPayload, theme), item.id);
  },
  disposeOutputItem(id) {
    // Plotly keeps listeners on each chart: purge those of outputs that are cleared or replaced.
    for (const key of id ? [id] : [...charts.keys()]) purge(key);
  },
});
