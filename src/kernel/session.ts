// A notebook's kernel state: one vm context that lives across cells (like a Jupyter kernel), the API in
// its globals, and per-cell capture of console output, rich outputs and errors.
import * as vm from 'node:vm';
import type { EngineClient } from '../engine/client';
import type { CellOutputJson } from '../protocol/notebook';
import { format, notebookApi, text, type CellSink } from './api';
import { CellSyntaxError, compileCell, type CompiledCell } from './cell';
import { runtimeError, syntaxError, type CellErrorJson } from './cellError';
import { thrownValue } from './thrown';

export class KernelSession {
  private readonly context: vm.Context;
  private sink: CellSink = { outputs: [] };

  /** `folder`: the notebook's folder, where relative paths (torch.load) start; `interrupted`: whether Interrupt was asked. */
  constructor(engine: EngineClient, folder?: string, interrupted: () => boolean = () => false) {
    const out = (mime: string) => (...args: unknown[]) => text(this.sink, `${args.map(format).join(' ')}\n`, mime);
    const console = { log: out('application/vnd.code.notebook.stdout'), info: out('application/vnd.code.notebook.stdout'), warn: out('application/vnd.code.notebook.stderr'), error: out('application/vnd.code.notebook.stderr') };
    this.context = vm.createContext({ console, setTimeout, clearTimeout, ...notebookApi(engine, () => this.sink, folder, interrupted) });
  }

  /** Runs one cell; its outputs, or its error as an error output with the cell's own lines and columns. */
  async run(code: string, language: 'javascript' | 'typescript', name: string): Promise<{ outputs: CellOutputJson[]; ok: boolean }> {
    this.sink = { outputs: [] };
    let cell: CompiledCell;
    try {
      cell = compileCell(code, language);
    } catch (error) {
      if (!(error instanceof CellSyntaxError)) return this.fail(runtimeError(name, code, { toCell: (line, column) => ({ line, column }) } as CompiledCell, thrownValue(error)));
      return this.fail(syntaxError(name, code, error.message, error.line, error.column));
    }
    try {
      const script = new vm.Script(cell.script, { filename: name, lineOffset: -1 });
      const value = await script.runInContext(this.context);
      if (value !== undefined) text(this.sink, `${format(value)}\n`);
      return { outputs: this.sink.outputs, ok: true };
    } catch (error) {
      // Errors thrown in the context are the context's Error instances: read them by shape.
      return this.fail(runtimeError(name, code, cell, thrownValue(error)));
    }
  }

  private fail(error: CellErrorJson): { outputs: CellOutputJson[]; ok: false } {
    this.sink.outputs.push({ items: [{ mime: 'application/vnd.code.notebook.error', data: error }] });
    return { outputs: this.sink.outputs, ok: false };
  }
}
