// Notebooks: the Python cells of a notebook are linted as one module (imports of the first cell serve the
// later ones), then each finding is placed back into its cell. IPython magics (`%time`, `!pip`) become
// comments of the same length, so offsets do not move.
import type { Finding } from './lint';

export interface JoinedCells {
  text: string;
  /** Offset in `text` where each cell starts. */
  starts: number[];
}

export function joinCells(cells: readonly string[]): JoinedCells {
  const starts: number[] = [];
  let text = '';
  for (const cell of cells) {
    if (starts.length) text += '\n';
    starts.push(text.length);
    text += cell.replace(/^([ \t]*)[%!]/gm, '$1#');
  }
  return { text, starts };
}

/** A finding placed in its cell: index of the cell, and offsets / positions relative to the cell. */
export interface CellFinding extends Finding {
  cell: number;
}

export function splitFindings(joined: JoinedCells, findings: readonly Finding[]): CellFinding[] {
  const lineOf = (offset: number) => {
    let n = 0;
    for (let i = joined.text.indexOf('\n'); i !== -1 && i < offset; i = joined.text.indexOf('\n', i + 1)) n++;
    return n;
  };
  const firstLines = joined.starts.map(lineOf);
  return findings.map((f) => {
    let cell = 0;
    while (cell + 1 < joined.starts.length && joined.starts[cell + 1] <= f.start) cell++;
    const base = joined.starts[cell];
    const first = firstLines[cell];
    const shift = (o: number) => o - base;
    return {
      ...f,
      cell,
      line: f.line - first,
      endLine: f.endLine - first,
      start: shift(f.start),
      end: shift(f.end),
      fix: f.fix && { title: f.fix.title, edits: f.fix.edits.map((e) => ({ start: shift(e.start), end: shift(e.end), text: e.text })) },
    };
  });
}

/** The code cells of a .ipynb file (Python notebooks only), as source text. Throws a readable error on bad JSON. */
export function ipynbCells(json: string, file: string): string[] {
  let nb: { cells?: { cell_type?: string; source?: string | string[] }[]; metadata?: { language_info?: { name?: string }; kernelspec?: { language?: string } } };
  try {
    nb = JSON.parse(json);
  } catch (e) {
    throw new Error(`${file}: not a notebook: ${(e as Error).message}`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new Error(`${file}: not a notebook: no "cells" list`);
  const language = nb.metadata?.language_info?.name ?? nb.metadata?.kernelspec?.language ?? 'python';
  if (language.toLowerCase() !== 'python') return [];
  return nb.cells.map((c) => (c.cell_type === 'code' ? (Array.isArray(c.source) ? c.source.join('') : (c.source ?? '')) : ''));
}
