// Turning a cell's source into something a persistent vm context can run with top-level await. The cell is
// parsed (acorn; TypeScript is first stripped by sucrase, which keeps every line where it was) and rewritten:
// every top-level declaration (const/let/var with any pattern, function, class) becomes an assignment to the
// context's globals, so later cells see it, and a last expression statement becomes the cell's value. The
// body runs inside an async function. Edits are few and recorded, and sucrase's source map is kept, so a
// position in the script maps back to the cell's own line and column.
import { TraceMap, traceSegment } from '@jridgewell/trace-mapping';
import { parse, type Program } from 'acorn';
import { transform } from 'sucrase';

/** A cell that does not parse: the parser's message and where (1-based line and column of the cell). */
export class CellSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'SyntaxError';
  }
}

type Position = { line: number; column: number };

interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface CompiledCell {
  /** The script for vm: `(async () => {` on a line of its own, then the cell's lines, then `})()`. */
  script: string;
  /** The cell's line and column, both 1-based, of a line and column of the script as V8 reports them with `lineOffset: -1`. */
  toCell(line: number, column: number): Position;
}

const PREFIX = '(async () => {';
const SUFFIX = '\n})()';

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function positionOf(starts: number[], offset: number): Position {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line: line + 1, column: offset - starts[line] + 1 };
}

/** JavaScript for a TypeScript cell, and the way back from a (1-based) position in it to the cell's. */
function stripTypes(source: string): { js: string; toSource(at: Position): Position } {
  let result: ReturnType<typeof transform>;
  try {
    result = transform(source, { transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: true, filePath: 'cell.ts', sourceMapOptions: { compiledFilename: 'cell.js' } });
  } catch (error) {
    const e = error as { message?: string; pos?: number };
    if (typeof e.pos !== 'number') throw error;
    const at = positionOf(lineStarts(source), e.pos);
    throw new CellSyntaxError(String(e.message).replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)$/, ''), at.line, at.column);
  }
  const map = new TraceMap(result.sourceMap as ConstructorParameters<typeof TraceMap>[0]);
  return {
    js: result.code,
    toSource({ line, column }) {
      // The token's start in the cell, plus how far into the token the position is. Lines never move.
      const segment = traceSegment(map, line - 1, column - 1);
      if (segment?.length !== 4 || segment[2] !== line - 1) return { line, column };
      return { line, column: segment[3] + (column - 1 - segment[0]) + 1 };
    },
  };
}

function parseCell(js: string, toSource: (at: Position) => Position): Program {
  try {
    return parse(js, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true });
  } catch (error) {
    const e = error as { message?: string; pos?: number };
    if (typeof e.pos !== 'number') throw error;
    const at = toSource(positionOf(lineStarts(js), e.pos));
    throw new CellSyntaxError(String(e.message).replace(/\s*\(\d+:\d+\)$/, ''), at.line, at.column);
  }
}

/** The edits that make one top-level statement's declarations global (none for other statements). */
function globalize(statement: Program['body'][number], hoisted: string[]): Edit[] {
  switch (statement.type) {
    case 'VariableDeclaration': {
      // `const a = 1, { b } = o;` → `;    (a = 1), ({ b } = o);` — the leading `;` guards against the line
      // before ending without one; the keyword's room keeps the first declarator where it was.
      const edits: Edit[] = [];
      const first = statement.declarations[0];
      const room = first.start - statement.start;
      edits.push({ start: statement.start, end: first.start, text: `;${' '.repeat(Math.max(0, room - 2))}(` });
      statement.declarations.forEach((d, i) => {
        if (i > 0) edits.push({ start: d.start, end: d.start, text: '(' });
        edits.push({ start: d.end, end: d.end, text: d.init ? ')' : ' = undefined)' });
      });
      return edits;
    }
    case 'FunctionDeclaration':
      // Function declarations stay (they are hoisted inside the cell) and are published before the body runs.
      if (statement.id) hoisted.push(statement.id.name);
      return [];
    case 'ClassDeclaration':
      return statement.id ? [{ start: statement.start, end: statement.start, text: `${statement.id.name} = ` }, { start: statement.end, end: statement.end, text: ';' }] : [];
    default:
      return [];
  }
}

function apply(source: string, edits: Edit[]): { text: string; toSource(offset: number): number } {
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  let text = '';
  // Unchanged runs of the source: [generated start, source start, length].
  const runs: [number, number, number][] = [];
  let at = 0;
  for (const e of edits) {
    runs.push([text.length, at, e.start - at]);
    text += source.slice(at, e.start) + e.text;
    at = e.end;
  }
  runs.push([text.length, at, source.length - at]);
  text += source.slice(at);
  const toSource = (offset: number): number => {
    let best = 0;
    for (const [g, s, n] of runs) {
      if (offset < g) break;
      best = offset < g + n ? s + (offset - g) : s + n;
    }
    return best;
  };
  return { text, toSource };
}

/** The script for `source`, or a CellSyntaxError with the parser's message and the cell's line and column. */
export function compileCell(source: string, language: 'javascript' | 'typescript'): CompiledCell {
  const { js, toSource } = language === 'typescript' ? stripTypes(source) : { js: source, toSource: (at: Position) => at };
  const program = parseCell(js, toSource);
  const hoisted: string[] = [];
  const edits = program.body.flatMap((s) => globalize(s, hoisted));
  const last = program.body.at(-1);
  if (last?.type === 'ExpressionStatement') {
    // The value of a last expression statement is the cell's value, shown like a REPL's (comments after it are kept).
    // The statement's range holds any parentheses around the expression and its `;`, never a comment.
    const end = js[last.end - 1] === ';' ? last.end - 1 : last.end;
    edits.push({ start: last.start, end: last.start, text: 'return (' }, { start: end, end: last.end, text: ');' });
  }
  const body = apply(js, edits);
  const publish = hoisted.map((name) => ` globalThis[${JSON.stringify(name)}] = ${name};`).join('');
  const script = `${PREFIX}${publish}\n${body.text}${SUFFIX}`;
  const bodyStarts = lineStarts(body.text);
  const jsStarts = lineStarts(js);
  return {
    script,
    toCell(line, column) {
      if (line < 1 || line > bodyStarts.length) return { line, column };
      const offset = Math.min(bodyStarts[line - 1] + column - 1, body.text.length);
      return toSource(positionOf(jsStarts, body.toSource(offset)));
    },
  };
}
