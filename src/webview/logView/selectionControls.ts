// The log view's selection controls (browser): run and tag filters, grouping into bands (with Ungroup), and
// the run list with a checkbox, colour and point count per run (or per group when grouped); a run listed but
// not read yet shows the size of its logs.
import type { CurveSelection } from '../../charts/curveView';
import type { RunGroup } from '../../logs/groups';
import { runColor } from '../../charts/runColors';
import type { Run } from '../../logs/model';
import type { ListedRun } from '../../protocol/logView';
import { t } from '../l10n';
import { button, dropdown, labelled } from '../ui/components';

export interface SelectionHost {
  selection: CurveSelection;
  colors: Record<string, string>;
  /** The selection or a colour changed: remember it and redraw. */
  changed(): void;
}

function textInput(label: string, value: string, placeholder: string, onInput: (v: string) => void): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = document.createElement('input');
  input.type = 'text';
  input.value = value;
  input.placeholder = placeholder;
  input.setAttribute('aria-label', label);
  input.spellcheck = false;
  input.addEventListener('input', () => onInput(input.value));
  return { wrap: labelled(`${label} `, input), input };
}

/** Group-by text: "level:1" groups by folder level 1, anything else is a regex, empty is ungrouped. */
function groupText(s: CurveSelection): string {
  return s.groupBy.kind === 'none' ? '' : s.groupBy.kind === 'folder' ? `level:${s.groupBy.level}` : s.groupBy.pattern;
}

function parseGroupText(text: string): CurveSelection['groupBy'] {
  const v = text.trim();
  if (!v) return { kind: 'none' };
  const level = /^level:\s*(\d+)$/i.exec(v);
  return level ? { kind: 'folder', level: Number(level[1]) } : { kind: 'regex', pattern: v };
}

/** One row of the run list: a run (with its tick box) or, when grouped, a group (without). */
interface ListRow {
  name: string;
  count: string;
  /** Whether the run's box is ticked; undefined for a group's row. */
  checked: boolean | undefined;
  /** Ticked but left out by the run filter: drawn faded. */
  filtered: boolean;
}

interface RowParts {
  row: HTMLElement;
  box?: HTMLInputElement;
  color: HTMLInputElement;
  count: HTMLElement;
}

export class SelectionControls {
  readonly element = document.createElement('div');
  private readonly list = document.createElement('div');
  private readonly summary = document.createElement('summary');
  /** What the list shows: updated only when it changes (a folder lists thousands of runs). */
  private shown = '';
  /** The list's rows by kind and name. */
  private readonly rows = new Map<string, RowParts>();
  readonly inputs: Record<'runs' | 'tags' | 'group', HTMLInputElement>;

  constructor(private readonly host: SelectionHost) {
    const s = host.selection;
    const runs = textInput(t('Runs'), s.runFilter, t('regex: a|b, !exclude'), (v) => this.set({ runFilter: v }));
    const tags = textInput(t('Tags'), s.tagFilter, t('regex: loss|acc, !eval'), (v) => this.set({ tagFilter: v }));
    const group = textInput(t('Group by'), groupText(s), t('regex or level:N'), (v) => this.set({ groupBy: parseGroupText(v) }));
    this.inputs = { runs: runs.input, tags: tags.input, group: group.input };
    const band = dropdown(t('Band'), [{ value: 'std', label: t('mean ± std') }, { value: 'minmax', label: t('min–max') }], s.band, (v) => this.set({ band: v }));
    const ungroup = button(t('Ungroup'), () => {
      group.input.value = '';
      this.set({ groupBy: { kind: 'none' } });
    });
    ungroup.id = 'ungroup';
    this.list.className = 'run-list';
    const details = document.createElement('details');
    details.className = 'runs';
    details.open = true;
    details.append(this.summary, this.list);
    this.element.id = 'selection-controls';
    this.element.style.display = 'contents';
    this.element.append(runs.wrap, tags.wrap, group.wrap, band, ungroup, details);
  }

  private set(change: Partial<CurveSelection>): void {
    Object.assign(this.host.selection, change);
    this.host.changed();
  }

  /** Marks the inputs whose regex is invalid (the status line says why). */
  showErrors(errors: string[]): void {
    this.inputs.runs.classList.toggle('invalid', errors.some((e) => e.startsWith('Invalid run filter')));
    this.inputs.tags.classList.toggle('invalid', errors.some((e) => e.startsWith('Invalid tag filter')));
    this.inputs.group.classList.toggle('invalid', errors.some((e) => e.startsWith('Invalid group regex')));
  }

  /**
   * Shows in the run list every run (unticked and unread ones too), or the groups of the shown runs when
   * grouped. Rows are kept and updated in place: a folder's thousand rows are built once, not per run read.
   */
  render(all: readonly Run[], passing: ReadonlySet<string>, groups: readonly RunGroup[] | undefined, unread: readonly ListedRun[]): void {
    const points = (r: Run) => Object.values(r.scalars).reduce((n, s) => n + s.values.length, 0);
    const hidden = new Set(this.host.selection.hidden);
    const key = JSON.stringify([groups?.map((g) => [g.name, g.runs.length]), all.map((r) => [r.name, points(r), passing.has(r.name)]), unread.map((r) => [r.name, r.bytes]), [...hidden], this.host.colors]);
    if (key === this.shown) return;
    this.shown = key;
    if (groups) {
      this.summary.textContent = t('{0} group(s) of {1} run(s)', groups.length, groups.reduce((n, g) => n + g.runs.length, 0));
      this.showRows(groups.map((g) => ({ name: g.name, count: t('{0} run(s)', g.runs.length), checked: undefined, filtered: false })));
      return;
    }
    this.summary.textContent = t('{0} of {1} run(s) shown', all.filter((r) => passing.has(r.name)).length, all.length + unread.length);
    const rows = [
      ...all.map((run): ListRow => ({ name: run.name, count: t('{0} points', points(run)), checked: !hidden.has(run.name), filtered: !passing.has(run.name) && !hidden.has(run.name) })),
      ...unread.map((r): ListRow => ({ name: r.name, count: t('{0} kB, not read', Math.ceil(r.bytes / 1024)), checked: !hidden.has(r.name), filtered: false })),
    ];
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.showRows(rows);
  }

  /** Makes the list show `rows` in this order: rows of the same name and kind are reused. */
  private showRows(rows: readonly ListRow[]): void {
    const id = (r: ListRow) => `${r.checked === undefined ? 'group' : 'run'}\u0000${r.name}`;
    const wanted = new Set(rows.map(id));
    for (const [k, parts] of this.rows) {
      if (wanted.has(k)) continue;
      parts.row.remove();
      this.rows.delete(k);
    }
    rows.forEach((r, i) => {
      const k = id(r);
      let parts = this.rows.get(k);
      if (!parts) this.rows.set(k, (parts = this.row(r.name, r.checked !== undefined)));
      if (parts.count.textContent !== r.count) parts.count.textContent = r.count;
      if (parts.box && parts.box.checked !== r.checked) parts.box.checked = r.checked!;
      parts.row.classList.toggle('filtered', r.filtered);
      const color = runColor(r.name, this.host.colors);
      if (parts.color.value !== color) parts.color.value = color;
      if (this.list.children[i] !== parts.row) this.list.insertBefore(parts.row, this.list.children[i] ?? null);
    });
  }

  private row(name: string, tickable: boolean): RowParts {
    const row = document.createElement('div');
    row.className = 'run-row';
    row.dataset.run = name;
    let box: HTMLInputElement | undefined;
    if (tickable) {
      box = document.createElement('input');
      box.type = 'checkbox';
      box.setAttribute('aria-label', t('Show {0}', name));
      const b = box;
      box.addEventListener('change', () => {
        const hidden = new Set(this.host.selection.hidden);
        if (b.checked) hidden.delete(name);
        else hidden.add(name);
        this.set({ hidden: [...hidden] });
      });
      row.append(box);
    }
    const color = document.createElement('input');
    color.type = 'color';
    color.setAttribute('aria-label', t('Colour of {0}', name));
    color.addEventListener('change', () => {
      this.host.colors[name] = color.value;
      this.host.changed();
    });
    const label = document.createElement('span');
    label.className = 'name';
    label.textContent = name;
    const count = document.createElement('span');
    count.className = 'count';
    row.append(color, label, count);
    return { row, box, color, count };
  }
}
