// Re-linting a document as it is typed: the previous tree is edited with the one changed span (common
// prefix and suffix of the old and new text) and re-parsed incrementally, and the rules' copy of the tree
// keeps the top-level statements the edit did not touch, so a keystroke in a 5,000-line file costs a
// fraction of a full parse.
import { lintTree, type LintOptions, type LintResult } from './lint';
import { StatementMemo } from './memo';
import { parsePython, type Tree } from './parser';
import { copyTree, type Node } from './syntax';

interface Parsed {
  text: string;
  tree: Tree;
  root: Node;
  memo: StatementMemo;
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
    const root = this.syntax(key, text);
    return lintTree(root, text, options, this.docs.get(key)!.memo);
  }

  /** The rules' copy of the syntax tree of `text`, made from the previous one of `key` where possible. */
  syntax(key: string, text: string): Node {
    const old = this.docs.get(key);
    if (old && old.text === text) return old.root;
    let parsed: Parsed;
    if (old) {
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
      const tree = parsePython(text, old.tree);
      const changed = old.tree.getChangedRanges(tree);
      old.tree.delete();
      parsed = { text, tree, root: copyTree(tree, text, { root: old.root, text: a, start, oldEnd: endA, newEnd: endB, changed }), memo: old.memo };
    } else {
      const tree = parsePython(text);
      parsed = { text, tree, root: copyTree(tree, text), memo: new StatementMemo() };
    }
    this.docs.set(key, parsed);
    return parsed.root;
  }

  forget(key: string): void {
    this.docs.get(key)?.tree.delete();
    this.docs.delete(key);
  }
}
