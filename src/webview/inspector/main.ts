// Runs in the Loss Inspector webview (browser): the role and option controls, the report (built by the shared
// HTML and figure builders, charts drawn by plotly in the editor's theme), the token strip's hover card, the
// sortable worst-tokens table and the "open in playground" links. Keeps the last report in the webview state,
// so a hidden or reloaded view shows it again at once.
import { inspectFigures } from '../../charts/inspectFigures';
import { reportBody } from '../../charts/inspectReport';
import { themeFromCss } from '../../charts/theme';
import type { FromInspectorView, InspectReport, InspectSettings, TensorInfo, ToInspectorView } from '../../protocol/inspect';

const vscode = acquireVsCodeApi();
const post = (m: FromInspectorView) => vscode.postMessage(m);
const controls = document.getElementById('controls')!;
const status = document.getElementById('status')!;
const reportEl = document.getElementById('report')!;

/** A run the user cancelled: where it stopped and what to run again. */
interface Cancelled {
  fraction: number;
  tensors: TensorInfo[];
  settings?: InspectSettings;
}

interface State {
  report?: InspectReport;
  tokenText?: Record<number, string>;
  tokenizer?: string;
  tokenizerError?: string;
  cancelled?: Cancelled;
}
let current: State = {};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function drawControls(tensors: TensorInfo[], settings: InspectSettings | undefined): void {
  const names = ['', ...tensors.map((t) => t.name)];
  const select = (id: string, value: string | undefined) =>
    el('select', { id }, ...names.map((n) => el('option', { value: n, selected: n === (value ?? '') }, n || '—')));
  const roles = settings?.roles;
  const logits = select('role-logits', roles?.logits);
  const labels = select('role-labels', roles?.labels);
  const mask = select('role-mask', roles?.mask);
  const inputIds = select('role-input-ids', roles?.inputIds);
  const ignore = el('input', { id: 'ignore-index', type: 'number', value: String(settings?.ignoreIndex ?? -100) });
  const pad = el('input', { id: 'pad-id', type: 'number', value: settings?.padId === undefined ? '' : String(settings.padId), placeholder: 'none' });
  const shift = el('input', { id: 'shift', type: 'checkbox', checked: settings?.shift ?? false });
  const chosen = (): InspectSettings | undefined => {
    if (!logits.value || !labels.value) return undefined;
    return {
      roles: { logits: logits.value, labels: labels.value, mask: mask.value || undefined, inputIds: inputIds.value || undefined },
      ignoreIndex: Number(ignore.value),
      padId: pad.value === '' ? undefined : Number(pad.value),
      shift: shift.checked,
      worst: 20,
    };
  };
  const apply = el('button', { id: 'apply', textContent: 'Inspect' });
  apply.addEventListener('click', () => {
    const next = chosen();
    if (!next) {
      status.textContent = 'Choose the logits and the labels.';
      status.className = 'error';
      return;
    }
    if (!Number.isInteger(next.ignoreIndex) || (next.padId !== undefined && !Number.isInteger(next.padId))) {
      status.textContent = 'ignore_index and the pad id must be whole numbers.';
      status.className = 'error';
      return;
    }
    status.textContent = 'Inspecting…';
    status.className = '';
    post({ type: 'settings', settings: next });
  });
  const tokenizer = el('button', { id: 'tokenizer', className: 'secondary', textContent: 'Tokenizer…', title: 'Choose a Hugging Face tokenizer.json to show ids as text' });
  tokenizer.addEventListener('click', () => post({ type: 'chooseTokenizer', settings: chosen() }));
  const label = (text: string, input: HTMLElement, title?: string) => el('label', { className: 'control', title: title ?? '' }, text, input);
  const list = el('table', { className: 'tensors' },
    el('thead', {}, el('tr', {}, ...['tensor', 'dtype', 'shape', 'size'].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...tensors.map((t) => el('tr', {}, el('td', {}, t.name), el('td', {}, t.dtype), el('td', {}, `[${t.shape.join(', ')}]`), el('td', { className: 'num' }, size(t.bytes))))));
  controls.replaceChildren(
    el('div', { className: 'tensor-list' }, list),
    el('div', { className: 'roles' },
      label('logits', logits), label('labels', labels), label('mask', mask), label('input ids', inputIds, 'compared with the labels: equal labels mean the shift was forgotten'),
      label('ignore_index', ignore), label('pad id', pad), label('labels are input ids, shift by one', shift, 'position t is scored against label t + 1 (a causal LM\'s labels before the shift)'), apply, tokenizer),
  );
}

function size(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GB` : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${(bytes / 2 ** 10).toFixed(1)} KB`;
}

function sortable(table: HTMLTableElement): void {
  table.querySelectorAll<HTMLTableCellElement>('th[data-key]').forEach((th) => {
    th.addEventListener('click', () => {
      const key = Number(th.dataset.key);
      const descending = th.dataset.order !== 'desc';
      table.querySelectorAll('th').forEach((h) => delete h.dataset.order);
      th.dataset.order = descending ? 'desc' : 'asc';
      const body = table.tBodies[0];
      const rows = [...body.rows].sort((a, b) => (Number(a.cells[key].textContent) - Number(b.cells[key].textContent)) * (descending ? -1 : 1));
      body.append(...rows);
    });
  });
}

/** The hover card of the token strip: the token, its loss, p, rank and the top-5 predictions with their p. */
const tip = el('div', { id: 'token-tip', className: 'token-tip', hidden: true });
document.body.append(tip);

function tokenCard(report: InspectReport, i: number, text: (id: number) => string): HTMLElement[] {
  const s = report.strip!;
  const T = report.shape.positions;
  const row = (k: string, v: string) => el('tr', {}, el('th', {}, k), el('td', {}, v));
  return [
    el('div', { className: 'tip-token' }, JSON.stringify(text(s.target[i])), el('span', { className: 'tip-where' }, ` id ${s.target[i]} · sequence ${Math.floor(i / T)}, position ${i % T}`)),
    el('table', {}, row('loss', s.loss[i].toFixed(4)), row('p', s.p[i].toExponential(3)), row('rank', String(s.rank[i]))),
    el('div', { className: 'tip-top' }, 'top-5'),
    el('ol', {}, ...s.top5[i].map((id, j) => el('li', { className: id === s.target[i] ? 'hit' : '' }, `${JSON.stringify(text(id))}  ${(s.top5p[i][j] ?? NaN).toFixed(4)}`))),
  ];
}

function hookStrip(report: InspectReport, text: (id: number) => string): void {
  reportEl.querySelectorAll<HTMLElement>('.strip .tok[data-i]').forEach((tok) => {
    tok.removeAttribute('title'); // the card replaces the browser's tooltip
    tok.addEventListener('mouseenter', () => {
      tip.replaceChildren(...tokenCard(report, Number(tok.dataset.i), text));
      tip.hidden = false;
      const box = tok.getBoundingClientRect();
      const width = tip.offsetWidth, height = tip.offsetHeight;
      tip.style.left = `${Math.max(4, Math.min(window.innerWidth - width - 4, box.left + window.scrollX))}px`;
      tip.style.top = `${box.bottom + height + 8 < window.innerHeight ? box.bottom + window.scrollY + 4 : box.top + window.scrollY - height - 4}px`;
    });
    tok.addEventListener('mouseleave', () => (tip.hidden = true));
  });
}

async function drawCharts(report: InspectReport): Promise<number> {
  const theme = themeFromCss((name) => getComputedStyle(document.body).getPropertyValue(name));
  let bins = 0;
  for (const figure of inspectFigures(report, theme)) {
    const div = reportEl.querySelector<HTMLElement>(`[data-figure="${figure.metric}"]`);
    if (!div) continue;
    await Plotly.react(div, figure.data, figure.layout, { displaylogo: false, responsive: true });
    if (figure.metric === 'reliability') bins = ((figure.data[0].x as number[]) ?? []).length;
  }
  return bins;
}

async function show(state: State): Promise<void> {
  const { report, tokenText } = state;
  if (!report) return;
  current = state;
  const text = tokenText ? (id: number) => tokenText[id] ?? String(id) : (id: number) => String(id);
  drawControls(report.tensors, report.settings);
  status.textContent = `${report.tokens} tokens scored in ${report.seconds.toFixed(2)} s${state.tokenizerError ? ` · ${state.tokenizerError}: ids shown as numbers` : state.tokenizer ? ` · ids shown as text by ${state.tokenizer}` : ' · no tokenizer.json beside the file: ids shown as numbers'}`;
  status.className = state.tokenizerError ? 'error' : '';
  reportEl.innerHTML = reportBody(report, tokenText ? text : undefined);
  reportEl.querySelectorAll<HTMLTableElement>('table.worst').forEach(sortable);
  reportEl.querySelectorAll<HTMLAnchorElement>('a.scene').forEach((a) =>
    a.addEventListener('click', (event) => {
      event.preventDefault();
      post({ type: 'openScene', scene: a.dataset.scene! });
    }),
  );
  hookStrip(report, text);
  const reliabilityBins = await drawCharts(report);
  const totals: Record<string, string> = {};
  reportEl.querySelectorAll<HTMLElement>('[data-total]').forEach((td) => (totals[td.dataset.total!] = td.textContent ?? ''));
  post({
    type: 'rendered',
    totals,
    stripTokens: reportEl.querySelectorAll('.strip .tok:not(.ignored)').length,
    reliabilityBins,
    warnings: [...reportEl.querySelectorAll<HTMLElement>('.warning[data-code]')].map((w) => w.dataset.code!),
    tokenizer: state.tokenizer,
    tensorRows: controls.querySelectorAll('.tensors tbody tr').length,
  });
}

/**
 * The cancelled state: the tensors and the settings stay, and so does a report already shown (it is of the
 * settings in the controls); "Run again" runs the cancelled settings.
 */
function showCancelled(cancelled: Cancelled): void {
  if (!current.report) drawControls(cancelled.tensors, cancelled.settings);
  const again = el('button', { id: 'run-again', textContent: 'Run again' });
  again.addEventListener('click', () => {
    status.textContent = 'Inspecting…';
    status.className = '';
    post({ type: 'runAgain', settings: cancelled.settings });
  });
  const at = `${(cancelled.fraction * 100).toFixed(0)}%`;
  status.replaceChildren(current.report ? `The new inspection was cancelled at ${at}; the report below is of the settings shown.` : `Inspection cancelled at ${at} of the rows.`, again);
  status.className = 'cancelled';
  current = { ...current, cancelled };
  vscode.setState(current);
}

window.addEventListener('message', (event: MessageEvent<ToInspectorView>) => {
  const m = event.data;
  if (m.type === 'show') {
    const state: State = { report: m.report, tokenText: m.tokenText, tokenizer: m.tokenizer, tokenizerError: m.tokenizerError };
    vscode.setState(state);
    void show(state);
  } else if (m.type === 'progress') {
    if (!controls.childElementCount) drawControls(m.tensors, undefined);
    status.textContent = `Inspecting… ${(m.fraction * 100).toFixed(0)}%`;
    status.className = '';
  } else if (m.type === 'cancelled') {
    showCancelled({ fraction: m.fraction, tensors: m.tensors, settings: m.settings });
  } else if (m.type === 'failed') {
    drawControls(m.tensors, m.settings);
    status.textContent = m.message;
    status.className = 'error';
    reportEl.replaceChildren(); // a report of other settings would pass for these
    current = {};
    vscode.setState(current);
    post({ type: 'rendered', totals: {}, stripTokens: 0, reliabilityBins: 0, warnings: [], error: m.message, tensorRows: controls.querySelectorAll('.tensors tbody tr').length });
  }
});

// A theme change redraws the charts in the new colours.
new MutationObserver(() => {
  if (current.report) void drawCharts(current.report);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const saved = vscode.getState() as State | undefined;
if (saved?.report) void show(saved).then(() => saved.cancelled && showCancelled(saved.cancelled));
else if (saved?.cancelled) showCancelled(saved.cancelled);
else post({ type: 'ready' });
