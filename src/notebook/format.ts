// The .lossnb file: JSON with sorted keys and two-space indentation (readable, stable diffs). Every field
// round-trips, unknown ones included. Pure: no vscode, no node.
import type { NotebookJson } from '../protocol/notebook';

/** JSON with object keys sorted at every level; arrays keep their order. */
export function stableStringify(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

export function serializeNotebook(nb: NotebookJson): string {
  return stableStringify(nb);
}

/** Parses and checks a .lossnb file; the error says what is wrong and where. */
export function parseNotebook(text: string): NotebookJson {
  if (text.trim() === '') return { format: 'losslab-notebook/1', cells: [] };
  let nb: NotebookJson;
  try {
    nb = JSON.parse(text) as NotebookJson;
  } catch (error) {
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const token = /Unexpected token '(.+?)'/.exec(error instanceof Error ? error.message : '');
    if (!at) throw new Error(`not a Loss Lab notebook: invalid JSON (${token ? `unexpected ${JSON.stringify(token[1])}` : 'the text ends before the JSON does'})`);
    const before = text.slice(0, Number(at[1]));
    throw new Error(`not a Loss Lab notebook: invalid JSON at line ${before.split('\n').length}, column ${Number(at[1]) - before.lastIndexOf('\n')}`);
  }
  if (!nb || typeof nb !== 'object' || nb.format !== 'losslab-notebook/1') throw new Error(`not a Loss Lab notebook: expected "format": "losslab-notebook/1", got ${JSON.stringify((nb as { format?: unknown })?.format)}`);
  if (!Array.isArray(nb.cells)) throw new Error('not a Loss Lab notebook: "cells" must be a list');
  nb.cells.forEach((c, i) => {
    if (!c || (c.kind !== 'code' && c.kind !== 'markdown')) throw new Error(`cell ${i + 1}: "kind" must be "code" or "markdown"`);
    if (typeof c.source !== 'string') throw new Error(`cell ${i + 1}: "source" must be a string`);
    if (c.outputs !== undefined && !Array.isArray(c.outputs)) throw new Error(`cell ${i + 1}: "outputs" must be a list`);
  });
  return nb;
}
