// A cell's error as the user should read it: the message, the frames inside the cell at the cell's own line
// and column, and the line itself with a caret under the place (as Python's tracebacks show the code).
import type { CompiledCell } from './cell';

export interface CellErrorJson {
  name: string;
  message: string;
  stack: string;
}

/** `  3 | const c = a.matmul(b);` and a caret under `column` (1-based). */
export function excerpt(source: string, line: number, column: number): string {
  const text = source.split('\n')[line - 1];
  if (text === undefined) return '';
  const gutter = String(line);
  const caretAt = Math.max(0, Math.min(column - 1, text.length));
  // Tabs stay tabs under the caret, so it lines up however the output is shown.
  const pad = text.slice(0, caretAt).replace(/[^\t]/g, ' ');
  return `  ${gutter} | ${text}\n  ${' '.repeat(gutter.length)} | ${pad}^`;
}

/** A syntax error of the cell named `name`: message with line and column, then the line and a caret. */
export function syntaxError(name: string, source: string, message: string, line: number, column: number): CellErrorJson {
  const head = `SyntaxError: ${message} (${name}, line ${line}, column ${column})`;
  return { name: 'SyntaxError', message: `${message} (line ${line}, column ${column})`, stack: `${head}\n${excerpt(source, line, column)}` };
}

/**
 * Advice for errors a JavaScript cell meets where Python would not: JS writes 1.0 as 1, so a list of whole
 * numbers becomes an int64 tensor (as a Python list of ints does) where a float one was meant.
 */
export function hintFor(message: string): string | undefined {
  if (/float|Float/.test(message) && /int64|Long|integer/.test(message) && !/expected \w+ to be an integer/.test(message)) {
    return 'Hint: JavaScript writes 1.0 as 1, so torch.tensor([[1, 2, 3]]) holds whole numbers and is int64 (as in PyTorch); write torch.tensor([[1, 2, 3]], { dtype: torch.float32 }) or call .float() for a float tensor.';
  }
  return undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A runtime error of the cell: only the frames inside the cell, mapped to its own lines and columns, and the
 * line of the innermost one shown with a caret. `source` is the cell's text.
 */
export function runtimeError(name: string, source: string, cell: CompiledCell, error: { name?: unknown; message?: unknown; stack?: unknown }): CellErrorJson {
  const errorName = typeof error.name === 'string' && error.name ? error.name : 'Error';
  const message = typeof error.message === 'string' ? error.message : String(error.message);
  const lines = source.split('\n').length;
  const frame = new RegExp(`${escape(name)}:(\\d+):(\\d+)`);
  let first: { line: number; column: number } | undefined;
  const frames: string[] = [];
  for (const text of typeof error.stack === 'string' ? error.stack.split('\n') : []) {
    if (!/^\s+at /.test(text)) continue;
    const m = text.match(frame);
    if (!m) continue;
    const at = cell.toCell(Number(m[1]), Number(m[2]));
    if (at.line < 1 || at.line > lines) continue;
    first ??= at;
    frames.push(text.replace(frame, `${name}:${at.line}:${at.column}`));
  }
  const hint = hintFor(message);
  const stack = [`${errorName}: ${message}`, ...frames, ...(first ? [excerpt(source, first.line, first.column)] : []), ...(hint ? [hint] : [])].join('\n');
  return { name: errorName, message: hint ? `${message}\n${hint}` : message, stack };
}
