// The runs table (browser): hyperparameters and the last/min of each tag per shown run, sorted by a click on a
// column header (again: the other way), and the parallel-coordinates chart coloured by a chosen metric.
import { metricColumns, parallelCoordinates } from '../../charts/parallelCoordinates';
import { runColor } from '../../charts/runColors';
import { formatCell, runsTable, sortRows } from '../../charts/runsTable';
import type { ChartTheme } from '../../charts/theme';
import type { Run } from '../../logs/model';
import { t } from '../l10n';
import { labelled } from '../ui/components';

export interface TableState {
  sort: { key: string; descending: boolean };
  colorBy: string;
}

export class RunsTableView {
  readonly element = document.createElement('details');
  private readonly table = document.createElement('table');
  private readonly colorBy = document.createElement('select');
  private readonly parallel = document.createElement('div');
  /** What the table shows (a folder's runs have hundreds of columns: rebuilt only when this changes). */
  private shown = '';

  constructor(private readonly state: TableState, private readonly changed: () => void) {
    const summary = document.createElement('summary');
    summary.textContent = t('Runs table and hyperparameters');
    this.element.open = true;
    this.table.className = 'runs';
    this.parallel.className = 'parallel';
    this.colorBy.setAttribute('aria-label', t('Colour lines by'));
    this.colorBy.addEventListener('change', () => {
      this.state.colorBy = this.colorBy.value;
      this.changed();
    });
    this.element.append(summary, this.table, labelled(`${t('Colour lines by')} `, this.colorBy), this.parallel);
  }

  /** Shows the table of `runs` (rebuilt only when it, its sort, the colours or the theme changed). */
  render(runs: readonly Run[], theme: ChartTheme, colors: Record<string, string>): void {
    const table = runsTable(runs);
    const shown = JSON.stringify([table, this.state, colors, theme]);
    if (shown === this.shown) return;
    this.shown = shown;
    const { key, descending } = this.state.sort;
    const head = document.createElement('tr');
    for (const c of [{ key: 'run', label: t('run') }, ...table.columns]) {
      const th = document.createElement('th');
      th.dataset.key = c.key;
      const b = document.createElement('button');
      b.textContent = c.label;
      b.addEventListener('click', () => {
        this.state.sort = { key: c.key, descending: this.state.sort.key === c.key ? !this.state.sort.descending : false };
        this.changed();
      });
      if (c.key === key) {
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        b.dataset.arrow = descending ? '▼' : '▲';
      }
      th.append(b);
      head.append(th);
    }
    const rows = sortRows(table.rows, key, descending).map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.run = r.run;
      const name = document.createElement('td');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = runColor(r.run, colors);
      name.append(swatch, r.run);
      tr.append(name, ...table.columns.map((c) => Object.assign(document.createElement('td'), { textContent: formatCell(r.cells[c.key]) })));
      return tr;
    });
    this.table.replaceChildren(head, ...rows);
    const metrics = metricColumns(table);
    if (!metrics.some((m) => m.key === this.state.colorBy)) this.state.colorBy = (metrics.find((m) => m.kind === 'min' && /loss/i.test(m.key)) ?? metrics[0])?.key ?? '';
    this.colorBy.replaceChildren(...metrics.map((m) => Object.assign(document.createElement('option'), { value: m.key, textContent: m.label })));
    this.colorBy.value = this.state.colorBy;
    const figure = parallelCoordinates(table, this.state.colorBy, theme);
    this.colorBy.parentElement!.hidden = !figure;
    if (figure) void Plotly.react(this.parallel, figure.data, figure.layout, { displaylogo: false, responsive: true });
    else {
      Plotly.purge(this.parallel);
      this.parallel.textContent = table.columns.some((c) => c.kind === 'hparam') ? '' : t('No hyperparameters found (hparams.yaml, training_args.json, config.json or TensorBoard hparams) that differ between the shown runs.');
    }
  }
}
