// The rules' copy of the syntax tree: the same tree tree-sitter gives (types, spans, positions, fields,
// errors), and as the user types the copy carried over from the previous text — statements kept, offsets
// moved, findings kept — equals a fresh copy and a fresh lint of the new text.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IncrementalLinter } from '../../src/lint/incremental';
import { lintPython } from '../../src/lint/lint';
import { loadPython, parsePython, type Tree } from '../../src/lint/parser';
import { copyTree, type Node } from '../../src/lint/syntax';

const DIR = path.resolve(__dirname, '../lint');
const files = (sub: string) => readdirSync(path.join(DIR, sub)).filter((f) => f.endsWith('.py')).map((f) => readFileSync(path.join(DIR, sub, f), 'utf8'));

type Native = NonNullable<ReturnType<Tree['rootNode']['child']>>;

/** Walks tree-sitter's own node and the copy side by side. */
function assertSame(native: Native, copy: Node, where = ''): void {
  const at = `${where}/${native.type}@${native.startIndex}`;
  assert.equal(copy.type, native.type, at);
  assert.deepEqual([copy.startIndex, copy.endIndex, copy.isNamed, copy.hasError, copy.isMissing, copy.isError], [native.startIndex, native.endIndex, native.isNamed, native.hasError, native.isMissing, native.isError], at);
  assert.deepEqual([copy.startPosition, copy.endPosition], [native.startPosition, native.endPosition], at);
  assert.equal(copy.text, native.text, at);
  assert.equal(copy.children.length, native.childCount, at);
  copy.children.forEach((c, i) => {
    assert.equal(c.parent, copy, at);
    assert.equal(copy.childFields[i], native.fieldNameForChild(i) ?? undefined, `${at} field of child ${i}`);
    assertSame(native.child(i)!, c, at);
  });
}

/** The copy as plain data, to compare two copies. */
function shape(n: Node): unknown {
  return [n.type, n.startIndex, n.endIndex, n.hasError, n.isMissing, n.childFields, n.children.map(shape)];
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BROKEN = ['def f(x:\n    return F.cross_entropy(x.softmax(-1), y\n', 'import torch\nloss = F.nll_loss(torch.softmax(z, 1), y))\n', 'class A:\n  def f(self):\n    if x\n      y = 1\n', 'x = (1, 2\nprint(x)\n', 'for in range(3):\n  pass\n'];

describe('loss linter syntax tree', () => {
  before(() => loadPython());

  it('copies tree-sitter\'s tree exactly, also for text that does not parse', () => {
    for (const text of [...files('corpus'), ...files('rules'), ...BROKEN, 'x = "é€😀"; y = F.softmax(x)\r\nz = 1\n', '']) {
      const tree = parsePython(text);
      try {
        assertSame(tree.rootNode, copyTree(tree, text));
      } finally {
        tree.delete();
      }
    }
  });

  it('descendantsOfType gives tree-sitter\'s nodes in its order (the node itself included)', () => {
    const text = files('corpus').join('\n\n');
    const tree = parsePython(text);
    try {
      const copy = copyTree(tree, text);
      const types = ['call', 'binary_operator', 'assignment', 'identifier', 'function_definition', 'import_from_statement'];
      const pick = [copy, ...copy.descendantsOfType('function_definition').slice(0, 20), ...copy.descendantsOfType('call').slice(0, 50)];
      for (const node of pick) {
        const native = tree.rootNode.descendantForIndex(node.startIndex, node.endIndex);
        let n: Native | null = native;
        while (n && (n.type !== node.type || n.startIndex !== node.startIndex || n.endIndex !== node.endIndex)) n = n.parent;
        assert.ok(n, node.type);
        for (const t of [types, [types[0]], [node.type]]) {
          const got = node.descendantsOfType(t).map((d) => `${d.type}@${d.startIndex}-${d.endIndex}`);
          const want: string[] = n.descendantsOfType(t).map((d) => `${d!.type}@${d!.startIndex}-${d!.endIndex}`);
          assert.deepEqual(got, want, `${node.type}@${node.startIndex} ${t.join(',')}`);
        }
      }
    } finally {
      tree.delete();
    }
  });

  it('as the user types, the kept tree and findings equal a fresh parse and lint of each new text', () => {
    const next = random(13);
    const snippets = ['x', ' ', '\n', '(', ')', ':', '# note\n', 'probs = logits.softmax(-1)\n', 'F.cross_entropy(probs, y)', 'torch.sigmoid(', '\n    ', 'import torch.distributed as dist\n'];
    let text = [...files('rules').filter((t) => /# expect: LL/.test(t)), ...files('corpus').slice(0, 6)].join('\n\n');
    const linter = new IncrementalLinter();
    let kept = 0;
    let total = 0;
    let previous = linter.syntax('doc', text);
    assert.ok(lintPython(text).findings.length > 20, 'the text holds findings to keep');
    for (let step = 0; step < 60; step++) {
      const at = Math.floor(next() * text.length);
      const r = next();
      if (r < 0.5) text = text.slice(0, at) + snippets[Math.floor(next() * snippets.length)] + text.slice(at);
      else if (r < 0.85) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
      else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 200));
      const findings = linter.lint('doc', text).findings;
      const root = linter.syntax('doc', text);
      const fresh = parsePython(text);
      try {
        assert.deepEqual(shape(root), shape(copyTree(fresh, text)), `tree after edit ${step} at ${at}`);
      } finally {
        fresh.delete();
      }
      assert.deepEqual(findings, lintPython(text).findings, `findings after edit ${step} at ${at}`);
      const before = new Set(previous.children);
      kept += root.children.filter((c) => before.has(c)).length;
      total += root.children.length;
      previous = root;
    }
    assert.ok(kept > total * 0.8, `most top-level statements are carried over (${kept} of ${total})`);
  });
});
