// Turning a cell's source into something a persistent vm context can run with top-level await: top-level
// declarations become assignments to the context's globals (so later cells see them), and the body runs
// inside an async function. TypeScript is stripped to JavaScript first.
import { transform } from 'sucrase';

const DECLARATION = /^(const|let|var)\s+([A-Za-z_$][\w$]*)\s*=/;
const DESTRUCTURING = /^(const|let|var)\s+([{[].*?[}\]])\s*=\s*(.*?);?\s*$/;
const FUNCTION = /^(async\s+)?function\s*(\*?)\s*([A-Za-z_$][\w$]*)/;
const CLASS = /^class\s+([A-Za-z_$][\w$]*)/;

/** A last line that is a bare expression is the cell's value (shown like a REPL's). */
const STATEMENT = /^(const|let|var|function|async\s+function|class|if|for|while|do|return|throw|try|switch|import|export|[}\])]|\/\/|\/\*)/;

function returnLastExpression(lines: string[]): string[] {
  let i = lines.length - 1;
  while (i >= 0 && lines[i].trim() === '') i--;
  if (i < 0) return lines;
  const last = lines[i];
  if (/^\S/.test(last) && !STATEMENT.test(last.trim()) && !/[{,(]\s*$/.test(last)) lines[i] = `return (${last.replace(/;\s*$/, '')});`;
  return lines;
}

/** The async-function body for `source`; line n of the cell stays line n of the result. */
export function cellBody(source: string, language: 'javascript' | 'typescript'): string {
  const js = language === 'typescript' ? transform(source, { transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: true }).code : source;
  return returnLastExpression(js.split('\n'))
    .map((line) =>
      line
        .replace(DESTRUCTURING, (_m, _kw, pattern, rest) => `(${pattern} = ${rest});`)
        .replace(DECLARATION, (_m, _kw, name) => `${name} =`)
        .replace(FUNCTION, (_m, isAsync = '', star, name) => `${name} = ${isAsync}function${star} ${name}`)
        .replace(CLASS, (_m, name) => `${name} = class ${name}`),
    )
    .join('\n');
}

/** Script text: the body wrapped so that its first line is line 1 of the cell (see lineOffset). */
export function cellScript(source: string, language: 'javascript' | 'typescript'): string {
  return `(async () => {\n${cellBody(source, language)}\n})()`;
}
