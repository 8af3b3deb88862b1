// One file on disk → reported findings (1-based), for the command line. Notebooks are linted cell by cell.
import { readFileSync } from 'node:fs';
import { ipynbCells, joinCells, splitFindings } from './cells';
import { lintPython, type LintOptions } from './lint';
import type { Reported } from './report';

export interface FileResult {
  findings: Reported[];
  /** Why the file could not be linted (fully): unreadable, not a notebook, a syntax error. */
  error?: string;
}

export function lintFile(file: string, options: LintOptions): FileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { findings: [], error: `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (file.endsWith('.ipynb')) {
    let cells: string[];
    try {
      cells = ipynbCells(text, file);
    } catch (e) {
      return { findings: [], error: (e as Error).message };
    }
    const joined = joinCells(cells);
    const result = lintPython(joined.text, options);
    const findings = splitFindings(joined, result.findings).map((f) => ({ file, cell: f.cell + 1, line: f.line + 1, column: f.column + 1, code: f.code, message: f.message }));
    const bad = result.syntaxError && splitFindings(joined, [{ ...result.findings[0], start: offsetOf(joined.text, result.syntaxError.line), line: result.syntaxError.line, column: result.syntaxError.column, endLine: result.syntaxError.line }])[0];
    return { findings, error: bad ? `${file}:cell ${bad.cell + 1}:${bad.line + 1}:${bad.column + 1}: syntax error: the cell is not valid Python` : undefined };
  }
  const result = lintPython(text, options);
  const findings = result.findings.map((f) => ({ file, line: f.line + 1, column: f.column + 1, code: f.code, message: f.message }));
  const e = result.syntaxError;
  return { findings, error: e ? `${file}:${e.line + 1}:${e.column + 1}: syntax error: not valid Python` : undefined };
}

function offsetOf(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}
