// Re-linting a document as it is typed: the previous tree is edited with the one changed span (common
// prefix and suffix of the old and new text) and re-parsed incrementally, so a keystroke in a 5,000-line
// file costs a fraction of a full parse.
import { lintTree, type LintOptions, type LintResult } from './lint';
import { parsePython, type Tree } from './parser';

interface Parsed {
  text: string;
  tree: Tree;
}

function point(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

export class IncrementalLinter {
  private readonly docs = new Map<string, Parsed>();

  lint(key: string, text: string, options: LintOptions = {}): LintResult {
    const old = this.docs.get(key);
    let tree: Tree;
    if (old && old.text === text) tree = old.tree;
    else if (old) {
      const a = old.text;
      let start = 0;
      const max = Math.min(a.length, text.length);
      while (start < max && a.charCodeAt(start) === text.charCodeAt(start)) start++;
      let endA = a.length;
      let endB = text.length;
      while (endA > start && endB > start && a.charCodeAt(endA - 1) === text.charCodeAt(endB - 1)) {
        endA--;
        endB--;
      }
      old.tree.edit({ startIndex: start, oldEndIndex: endA, newEndIndex: endB, startPosition: point(a, start), oldEndPosition: point(a, endA), newEndPosition: point(text, endB) });
      tree = parsePython(text, old.tree);
      old.tree.delete();
    } else tree = parsePython(text);
    this.docs.set(key, { text, tree });
    return lintTree(tree.rootNode, text, options);
  }

  forget(key: string): void {
    this.docs.get(key)?.tree.delete();
    this.docs.delete(key);
  }
}
