// .lossnb files ⇄ VS Code notebooks. Fields VS Code has no place for are kept in metadata under "losslab"
// and written back, so a file round-trips whole. A malformed file is refused with the reason (VS Code then
// shows the error and never saves over it).
import * as vscode from 'vscode';
import { parseNotebook, serializeNotebook } from '../../notebook/format';
import type { CellJson, CellOutputJson, NotebookJson } from '../../protocol/notebook';

const EXTRA = 'losslab';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isJsonMime(mime: string): boolean {
  return mime.endsWith('+json') || mime === 'application/json' || mime === 'application/vnd.code.notebook.error';
}

function extras<T extends object>(value: T, known: string[]): Record<string, unknown> | undefined {
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !known.includes(k)));
  return Object.keys(rest).length ? rest : undefined;
}

export function toOutput(o: CellOutputJson): vscode.NotebookCellOutput {
  const items = o.items.map((i) => new vscode.NotebookCellOutputItem(encoder.encode(isJsonMime(i.mime) ? JSON.stringify(i.data) : String(i.data)), i.mime));
  return new vscode.NotebookCellOutput(items, { ...o.metadata, ...(extras(o, ['items', 'metadata']) ? { [EXTRA]: extras(o, ['items', 'metadata']) } : {}) });
}

function fromOutput(o: vscode.NotebookCellOutput): CellOutputJson {
  const { [EXTRA]: extra, ...metadata } = o.metadata ?? {};
  const items = o.items.map((i) => {
    const text = decoder.decode(i.data);
    return { mime: i.mime, data: isJsonMime(i.mime) ? JSON.parse(text) : text };
  });
  return { ...(extra as object), items, ...(Object.keys(metadata).length ? { metadata } : {}) };
}

export class LossNotebookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    const nb = parseNotebook(decoder.decode(content));
    const cells = nb.cells.map((c) => {
      const cell = new vscode.NotebookCellData(c.kind === 'code' ? vscode.NotebookCellKind.Code : vscode.NotebookCellKind.Markup, c.source, c.language);
      const extra = extras(c, ['kind', 'language', 'source', 'metadata', 'outputs']);
      cell.metadata = { ...c.metadata, ...(extra ? { [EXTRA]: extra } : {}) };
      cell.outputs = (c.outputs ?? []).map(toOutput);
      return cell;
    });
    const data = new vscode.NotebookData(cells);
    const extra = extras(nb, ['format', 'metadata', 'cells']);
    data.metadata = { ...nb.metadata, ...(extra ? { [EXTRA]: extra } : {}) };
    return data;
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const { [EXTRA]: nbExtra, ...metadata } = data.metadata ?? {};
    const nb: NotebookJson = {
      ...(nbExtra as object),
      format: 'losslab-notebook/1',
      ...(Object.keys(metadata).length ? { metadata } : {}),
      cells: data.cells.map((c): CellJson => {
        const { [EXTRA]: extra, ...cellMetadata } = c.metadata ?? {};
        return {
          ...(extra as object),
          kind: c.kind === vscode.NotebookCellKind.Code ? 'code' : 'markdown',
          language: c.languageId,
          source: c.value,
          ...(Object.keys(cellMetadata).length ? { metadata: cellMetadata } : {}),
          ...(c.kind === vscode.NotebookCellKind.Code ? { outputs: (c.outputs ?? []).map(fromOutput) } : {}),
        };
      }),
    };
    return encoder.encode(serializeNotebook(nb));
  }
}
