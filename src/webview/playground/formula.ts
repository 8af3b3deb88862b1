// A scene's formula: typeset with KaTeX (bundled; its stylesheet is linked by the page, and katex.render builds
// DOM nodes, styled through the CSSOM, so the strict CSP holds), the live numbers substituted beneath it, and a
// "what to notice" line. A term written with term() names a chart element: hovering it dims every other trace
// of that chart, so the eye goes from the symbol to what it is.
import katex from 'katex';

/** Which traces of which chart (its data-chart id) a term of the formula stands for. */
export type TermTargets = Record<string, { chart: string; traces: number[] }>;

/** `tex` marked as the term `id` (a key of the scene's TermTargets). */
export const term = (id: string, tex: string): string => `\\htmlData{term=${id}}{${tex}}`;

export interface FormulaView {
  /**
   * Typesets the formula's parts (when they changed), side by side and wrapping as the panel narrows, and the
   * lines of live numbers beneath them (TeX too).
   */
  show(parts: readonly string[], substituted: readonly string[]): void;
}

const OPTIONS: katex.KatexOptions = {
  throwOnError: false,
  output: 'htmlAndMathml',
  trust: (context) => context.command === '\\htmlData',
  strict: (code: string) => (code === 'htmlExtension' ? 'ignore' : 'warn'),
};

export function formulaBlock(parent: HTMLElement, notice: string, targets: TermTargets): FormulaView {
  const block = document.createElement('div');
  block.className = 'formula';
  const formula = document.createElement('div');
  formula.className = 'formula-tex';
  const live = document.createElement('div');
  live.className = 'formula-live';
  const note = document.createElement('p');
  note.className = 'notice';
  note.textContent = notice;
  block.append(formula, live, note);
  parent.appendChild(block);

  let hovered: string | undefined;
  const highlight = (id: string | undefined) => {
    if (id === hovered) return;
    for (const el of block.querySelectorAll('[data-term].hovered')) el.classList.remove('hovered');
    const previous = hovered ? targets[hovered] : undefined;
    hovered = id;
    if (previous) dim(previous.chart, undefined);
    const target = id ? targets[id] : undefined;
    if (!id || !target) return;
    for (const el of block.querySelectorAll(`[data-term="${id}"]`)) el.classList.add('hovered');
    dim(target.chart, target.traces);
  };
  block.addEventListener('mouseover', (e) => highlight((e.target as Element).closest<HTMLElement>('[data-term]')?.dataset.term));
  block.addEventListener('mouseleave', () => highlight(undefined));

  const typeset = (box: HTMLElement, texts: readonly string[], tag: string, display: boolean) => {
    while (box.children.length < texts.length) box.appendChild(document.createElement(tag));
    while (box.children.length > texts.length) box.lastElementChild!.remove();
    texts.forEach((tex, i) => {
      const el = box.children[i] as HTMLElement;
      if (el.dataset.tex === tex) return;
      katex.render(tex, el, { ...OPTIONS, displayMode: display });
      el.dataset.tex = tex;
      if (hovered) for (const t of el.querySelectorAll(`[data-term="${hovered}"]`)) t.classList.add('hovered');
    });
  };
  return {
    show(parts, substituted) {
      typeset(formula, parts, 'span', true);
      typeset(live, substituted, 'div', false);
    },
  };
}

/** Dims every trace of chart `chartId` but `keep` (all back to full opacity when `keep` is undefined). */
function dim(chartId: string, keep: number[] | undefined): void {
  const div = document.querySelector<HTMLElement & { data?: unknown[] }>(`[data-chart="${chartId}"]`);
  if (!div?.data) return;
  void Plotly.restyle(div, { opacity: div.data.map((_, i) => (!keep || keep.includes(i) ? 1 : 0.15)) });
}

/** A number as TeX for the substituted line: fixed digits, or m×10^e for the very small and very large. */
export function texNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return '\\text{NaN}';
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : '-\\infty';
  if (v !== 0 && (Math.abs(v) < 10 ** -(digits - 1) || Math.abs(v) >= 1e5)) {
    const [m, e] = v.toExponential(digits - 1).split('e');
    return `${m}\\times10^{${Number(e)}}`;
  }
  return v.toFixed(digits);
}
