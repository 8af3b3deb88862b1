// A notebook's kernel state: one vm context that lives across cells (like a Jupyter kernel), the API in
// its globals, and per-cell capture of console output, rich outputs and errors.
import * as vm from 'node:vm';
import type { EngineClient } from '../engine/client';
import type { CellOutputJson } from '../protocol/notebook';
import { format, notebookApi, text, type CellSink } from './api';
import { cellScript } from './cell';

export class KernelSession {
  private readonly context: vm.Context;
  private sink: CellSink = { outputs: [] };

  constructor(engine: EngineClient) {
    const out = (mime: string) => (...args: unknown[]) => text(this.sink, `${args.map(format).join(' ')}\n`, mime);
    const console = { log: out('application/vnd.code.notebook.stdout'), info: out('application/vnd.code.notebook.stdout'), warn: out('application/vnd.code.notebook.stderr'), error: out('application/vnd.code.notebook.stderr') };
    this.context = vm.createContext({ console, setTimeout, clearTimeout, ...notebookApi(engine, () => this.sink) });
  }

  /** Runs one cell; its outputs, or its error as an error output with the cell's own line numbers. */
  async run(code: string, language: 'javascript' | 'typescript', name: string): Promise<{ outputs: CellOutputJson[]; ok: boolean }> {
    this.sink = { outputs: [] };
    try {
      const script = new vm.Script(cellScript(code, language), { filename: name, lineOffset: -1 });
      const value = await script.runInContext(this.context);
      if (value !== undefined) text(this.sink, `${format(value)}\n`);
      return { outputs: this.sink.outputs, ok: true };
    } catch (error) {
      // Errors thrown in the context are the context's Error instances: read them by shape.
      const e = error && typeof error === 'object' && 'message' in error ? (error as Error) : new Error(String(error));
      // Keep only the frames inside the cell: the user's own line numbers.
      const lines = code.split('\n').length;
      const inCell = (frame: string) => {
        const at = frame.match(new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):`));
        return at !== null && Number(at[1]) <= lines;
      };
      const stack = (e.stack ?? '').split('\n').filter((l, i) => i === 0 || inCell(l)).join('\n');
      this.sink.outputs.push({ items: [{ mime: 'application/vnd.code.notebook.error', data: { name: e.name ?? 'Error', message: e.message, stack } }] });
      return { outputs: this.sink.outputs, ok: false };
    }
  }
}
