// Loss linter: time per 1,000 lines of Python (the corpus of correct training scripts repeated to 5,000+
// lines), full and after one keystroke in the middle of the file, against tree-sitter's parse alone (full,
// and the incremental re-parse a keystroke needs at the least).
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IncrementalLinter } from '../lint/incremental';
import { lintPython } from '../lint/lint';
import { loadPython, parsePython } from '../lint/parser';
import { time, type Report } from './timing';


function corpusText(minLines: number): string {
  const dir = path.join(__dirname, '../test/lint/corpus');
  const scripts = readdirSync(dir).filter((f) => f.endsWith('.py')).map((f) => readFileSync(path.join(dir, f), 'utf8'));
  let text = '';
  while (text.split('\n').length < minLines) text += scripts.join('\n\n');
  return text;
}

export async function benchLint(report: Report): Promise<void> {
  await loadPython();
  const text = corpusText(5000);
  const kLines = text.split('\n').length / 1000;
  const parseMs = await time(5, async () => () => parsePython(text).delete());
  const lintMs = await time(5, async () => () => lintPython(text));
  report(`lint per 1,000 lines (${Math.round(kLines * 1000)}-line file)`, lintMs / kLines, 'parse alone', parseMs / kLines);
  // One keystroke in the middle of the file: the previous tree is edited and re-parsed incrementally.
  const linter = new IncrementalLinter();
  const middle = text.indexOf('\n', text.length >> 1);
  let n = 0;
  const keystrokeMs = await time(9, async () => {
    linter.lint('bench', text);
    const edited = `${text.slice(0, middle)}\n# ${n++}${text.slice(middle)}`;
    return () => linter.lint('bench', edited);
  });
  report(`re-lint after a keystroke (${Math.round(kLines * 1000)} lines)`, keystrokeMs, 'full parse', parseMs);
  const reparseMs = await time(9, async () => {
    const tree = parsePython(text);
    const edit = `\n# ${n++}`;
    const edited = `${text.slice(0, middle)}${edit}${text.slice(middle)}`;
    const at = { row: text.slice(0, middle).split('\n').length - 1, column: middle - text.lastIndexOf('\n', middle - 1) - 1 };
    tree.edit({ startIndex: middle, oldEndIndex: middle, newEndIndex: middle + edit.length, startPosition: at, oldEndPosition: at, newEndPosition: { row: at.row + 1, column: edit.length - 1 } });
    return () => {
      parsePython(edited, tree).delete();
      tree.delete();
    };
  });
  report(`re-lint after a keystroke (${Math.round(kLines * 1000)} lines)`, keystrokeMs, 'incremental re-parse alone', reparseMs);
}
