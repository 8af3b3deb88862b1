// Runs in the Loss Inspector webview (browser): the role and option controls, the report (built by the shared
// chart/HTML builders), the sortable worst-tokens table and the "open in playground" links. Keeps the last
// report in the webview state, so a hidden or reloaded view shows it again at once.
import { reportBody } from '../../charts/inspectReport';
import type { FromInspectorView, InspectReport, InspectSettings, TensorInfo, ToInspectorView } from '../../protocol/inspect';

const vscode = acquireVsCodeApi();
const post = (m: FromInspectorView) => vscode.postMessage(m);
const controls = document.getElementById('controls')!;
const status = document.getElementById('status')!;
const reportEl = document.getElementById('report')!;

interface State {
  report?: InspectReport;
  tokenText?: Record<number, string>;
}

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
  const apply = el('button', { id: 'apply', textContent: 'Inspect' });
  apply.addEventListener('click', () => {
    if (!logits.value || !labels.value) {
      status.textContent = 'Choose the logits and the labels.';
      status.className = 'error';
      return;
    }
    const next: InspectSettings = {
      roles: { logits: logits.value, labels: labels.value, mask: mask.value || undefined, inputIds: inputIds.value || undefined },
      ignoreIndex: Number(ignore.value),
      padId: pad.value === '' ? undefined : Number(pad.value),
      shift: shift.checked,
      worst: 20,
    };
    status.textContent = 'Inspecting…';
    status.className = '';
    post({ type: 'settings', settings: next });
  });
  const label = (text: string, input: HTMLElement) => el('label', { className: 'control' }, text, input);
  const list = el('table', { className: 'tensors' }, ...tensors.map((t) => el('tr', {}, el('td', {}, t.name), el('td', {}, t.dtype), el('td', {}, `[${t.shape.join(', ')}]`), el('td', {}, `${(t.bytes / 2 ** 20).toFixed(1)} MB`))));
  controls.replaceChildren(
    list,
    el('div', { className: 'roles' },
      label('logits', logits), label('labels', labels), label('mask', mask), label('input ids', inputIds),
      label('ignore_index', ignore), label('pad id', pad), label('labels are input ids, shift by one', shift), apply),
  );
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

function show(state: State): void {
  const { report, tokenText } = state;
  if (!report) return;
  drawControls(report.tensors, report.settings);
  status.textContent = `${report.tokens} tokens scored in ${report.seconds.toFixed(2)} s`;
  status.className = '';
  reportEl.innerHTML = reportBody(report, tokenText ? (id) => tokenText[id] ?? String(id) : undefined);
  reportEl.querySelectorAll<HTMLTableElement>('table.worst').forEach(sortable);
  reportEl.querySelectorAll<HTMLAnchorElement>('a.scene').forEach((a) =>
    a.addEventListener('click', (event) => {
      event.preventDefault();
      post({ type: 'openScene', scene: a.dataset.scene! });
    }),
  );
  const totals: Record<string, string> = {};
  reportEl.querySelectorAll<HTMLElement>('[data-total]').forEach((td) => (totals[td.dataset.total!] = td.textContent ?? ''));
  post({
    type: 'rendered',
    totals,
    stripTokens: reportEl.querySelectorAll('.strip .tok:not(.ignored)').length,
    reliabilityBars: reportEl.querySelectorAll('svg.reliability rect.bar').length,
  });
}

window.addEventListener('message', (event: MessageEvent<ToInspectorView>) => {
  const m = event.data;
  if (m.type === 'show') {
    const state: State = { report: m.report, tokenText: m.tokenText };
    vscode.setState(state);
    show(state);
  } else if (m.type === 'progress') {
    if (!controls.childElementCount) drawControls(m.tensors, undefined);
    status.textContent = `Inspecting… ${(m.fraction * 100).toFixed(0)}%`;
  } else if (m.type === 'failed') {
    drawControls(m.tensors, m.settings);
    status.textContent = m.message;
    status.className = 'error';
  }
});

const saved = vscode.getState() as State | undefined;
if (saved?.report) show(saved);
else post({ type: 'ready' });
