// The syntax tree the rules read: a plain JavaScript copy of tree-sitter's tree, made in one walk of a
// tree cursor. Every step through tree-sitter's own nodes is a call into wasm (and `parent` re-walks from the
// root), which made the rules cost ten times the parse; here children, parents and fields are fields of
// objects, and `descendantsOfType` is a binary search in a per-type index. On a keystroke the top-level
// statements that did not change are carried over from the previous copy (see `copyTree`).
import type { Tree, TreeCursor } from './parser';

export interface Point {
  row: number;
  column: number;
}

/** Index of a copied tree: its text, line starts, and the nodes of each type in document order. */
class Source {
  private lineStarts: number[] | undefined;
  readonly byType = new Map<string, Node[]>();

  constructor(readonly text: string) {}

  point(index: number): Point {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - starts[lo] };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

let nextId = 1;

/** One node: the subset of tree-sitter's `Node` the rules use, with the same meaning. */
export class Node {
  readonly id = nextId++;
  parent: Node | null = null;
  readonly children: Node[] = [];
  /** The field name of each child (undefined where the grammar names none). */
  readonly childFields: (string | undefined)[] = [];
  hasError = false;
  /** Preorder number and the preorder number of the last node under this one (set by `index`). */
  pre = 0;
  last = 0;
  source!: Source;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    public startIndex: number,
    public endIndex: number,
    readonly isMissing: boolean,
  ) {}

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.source.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.source.point(this.endIndex);
  }

  get namedChildren(): Node[] {
    return this.children.filter((c) => c.isNamed);
  }

  get namedChildCount(): number {
    let n = 0;
    for (const c of this.children) if (c.isNamed) n++;
    return n;
  }

  namedChild(index: number): Node | null {
    let n = 0;
    for (const c of this.children) if (c.isNamed && n++ === index) return c;
    return null;
  }

  childForFieldName(name: string): Node | null {
    const i = this.childFields.indexOf(name);
    return i === -1 ? null : this.children[i];
  }

  childrenForFieldName(name: string): Node[] {
    return this.children.filter((_, i) => this.childFields[i] === name);
  }

  /** This node (when of one of `types`) and the nodes under it of those types, in document order. */
  descendantsOfType(types: string | readonly string[]): Node[] {
    const list = typeof types === 'string' ? [types] : types;
    const out: Node[] = [];
    for (const type of list) {
      const all = this.source.byType.get(type);
      if (!all) continue;
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (all[mid].pre < this.pre) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < all.length && all[i].pre <= this.last; i++) out.push(all[i]);
    }
    if (list.length > 1) out.sort((a, b) => a.pre - b.pre);
    return out;
  }
}

interface Grammar {
  types: string[];
  fields: (string | null)[];
  nodeTypeIsNamed(typeId: number): boolean;
}

/** Copies the node under the cursor and everything beneath it. */
function copyAt(cursor: TreeCursor, grammar: Grammar): Node {
  const typeId = cursor.nodeTypeId;
  const start = cursor.startIndex;
  const end = cursor.endIndex;
  const node = new Node(grammar.types[typeId] ?? 'ERROR', typeId === 65535 || grammar.nodeTypeIsNamed(typeId), start, end, start === end && cursor.nodeIsMissing);
  node.hasError = node.isMissing || node.type === 'ERROR';
  if (cursor.gotoFirstChild()) {
    do {
      const field = cursor.currentFieldId;
      const child = copyAt(cursor, grammar);
      child.parent = node;
      node.children.push(child);
      node.childFields.push(field ? (grammar.fields[field] ?? undefined) : undefined);
      if (child.hasError) node.hasError = true;
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }
  return node;
}

function shift(node: Node, delta: number): void {
  node.startIndex += delta;
  node.endIndex += delta;
  for (const c of node.children) shift(c, delta);
}

/** Numbers the nodes in preorder and files each under its type. */
function index(root: Node, source: Source): void {
  let pre = 0;
  const visit = (n: Node) => {
    n.source = source;
    n.pre = pre++;
    let list = source.byType.get(n.type);
    if (!list) source.byType.set(n.type, (list = []));
    list.push(n);
    for (const c of n.children) visit(c);
    n.last = pre - 1;
  };
  visit(root);
}

/** What a previous copy can give to the copy of an edited text: its top-level nodes outside the edit. */
export interface Previous {
  root: Node;
  text: string;
  /** The edit, as offsets: [start, oldEnd) of the old text became [start, newEnd) of the new one. */
  start: number;
  oldEnd: number;
  newEnd: number;
  /** Spans of the new text whose syntax changed (tree-sitter's `getChangedRanges`). */
  changed: readonly { startIndex: number; endIndex: number }[];
}

/**
 * The rules' copy of `tree`. With `previous`, each top-level statement whose text and syntax are unchanged
 * is taken from the previous copy (its offsets moved by the edit) instead of being walked again.
 */
export function copyTree(tree: Tree, text: string, previous?: Previous): Node {
  const grammar = tree.language as unknown as Grammar;
  const cursor = tree.walk();
  try {
    const root = new Node(grammar.types[cursor.nodeTypeId] ?? 'ERROR', true, cursor.startIndex, cursor.endIndex, false);
    root.hasError = root.type === 'ERROR';
    const reusable = previous && reusableChildren(previous);
    if (cursor.gotoFirstChild()) {
      do {
        const field = cursor.currentFieldId;
        const child = (reusable && reuse(cursor, grammar.types[cursor.nodeTypeId] ?? 'ERROR', text, previous!, reusable)) ?? copyAt(cursor, grammar);
        child.parent = root;
        root.children.push(child);
        root.childFields.push(field ? (grammar.fields[field] ?? undefined) : undefined);
        if (child.hasError) root.hasError = true;
      } while (cursor.gotoNextSibling());
    }
    index(root, new Source(text));
    return root;
  } finally {
    cursor.delete();
  }
}

/** The previous root's children by their start offset in the old text. */
function reusableChildren(previous: Previous): Map<number, Node> {
  const map = new Map<number, Node>();
  for (const c of previous.root.children) map.set(c.startIndex, c);
  return map;
}

function reuse(cursor: TreeCursor, type: string, text: string, previous: Previous, old: Map<number, Node>): Node | undefined {
  const start = cursor.startIndex;
  const end = cursor.endIndex;
  const delta = previous.newEnd - previous.oldEnd;
  let oldStart: number;
  if (end <= previous.start && start < previous.start) oldStart = start;
  else if (start >= previous.newEnd && start > previous.start) oldStart = start - delta;
  else return undefined;
  const node = old.get(oldStart);
  if (!node || node.endIndex - node.startIndex !== end - start || node.type !== type) return undefined;
  if (previous.changed.some((r) => r.startIndex < end && start < r.endIndex)) return undefined;
  if (previous.text.slice(node.startIndex, node.endIndex) !== text.slice(start, end)) return undefined;
  if (start !== oldStart) shift(node, start - oldStart);
  old.delete(oldStart);
  return node;
}
