// The cell transform: declarations of every kind reach later cells, the last expression is the cell's value
// however it is written, syntax errors carry the parser's message and place, and script positions map back
// to the cell's own lines and columns (TypeScript too).
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { CellSyntaxError, compileCell } from '../../src/kernel/cell';
import { excerpt, runtimeError, syntaxError } from '../../src/kernel/cellError';
import { formatValue } from '../../src/kernel/display';

/** Runs cells one after another in one context, as the kernel does; the value of each. */
async function runCells(...cells: string[]): Promise<unknown[]> {
  const context = vm.createContext({});
  const values: unknown[] = [];
  for (const [i, source] of cells.entries()) {
    const script = new vm.Script(compileCell(source, 'javascript').script, { filename: `cell ${i + 1}`, lineOffset: -1 });
    // Values of the context's realm, cloned into ours so deepEqual compares contents.
    values.push(structuredClone(await script.runInContext(context)));
  }
  return values;
}

function syntaxErrorOf(source: string, language: 'javascript' | 'typescript' = 'javascript'): CellSyntaxError {
  try {
    compileCell(source, language);
  } catch (e) {
    if (e instanceof CellSyntaxError) return e;
    throw e;
  }
  assert.fail(`expected a syntax error for ${JSON.stringify(source)}`);
}

describe('cell transform', () => {
  it('makes every declaration of a line visible to later cells', async () => {
    assert.deepEqual(await runCells('const p1 = 1; const p2 = 2;', '[p1, p2]'), [undefined, [1, 2]]);
  });

  it('makes destructuring, several declarators, functions and classes visible to later cells', async () => {
    const first = 'const { a, b: [c] } = { a: 1, b: [2] }, [d, ...e] = [3, 4, 5];\nlet u;\nvar w = 6\nfunction f() { return helper() }\nfunction helper() { return 7 }\nfunction* gen() { yield 8 }\nasync function h() { return 10 }\nclass K { v() { return 9 } }';
    const [, value] = await runCells(first, '[a, c, d, e, u, w, f(), [...gen()], new K().v(), await h()]');
    assert.deepEqual(value, [1, 2, 3, [4, 5], undefined, 6, 7, [8], 9, 10]);
  });

  it('hoists function declarations within the cell, as JavaScript does', async () => {
    assert.deepEqual(await runCells('const r = twice(4);\nfunction twice(x) { return 2 * x }\nr'), [8]);
  });

  it('keeps declarations of nested blocks and loops local', async () => {
    assert.deepEqual(await runCells('for (const i of [1]) { const inner = i }\n{ let block = 2 }', '[typeof i, typeof inner, typeof block]'), [undefined, ['undefined', 'undefined', 'undefined']]);
  });

  it('a declaration after a line without a semicolon does not join it', async () => {
    assert.deepEqual(await runCells('const a = [1, 2]\nconst [x, y] = a\nconst { length } = a\nx + y + length'), [5]);
  });

  it('takes the last expression as the value however it is written', async () => {
    assert.deepEqual(await runCells('1 + 1 // the answer', '[1,\n 2,\n 3]', 'let z = 4; z * 2', '"a" +\n  "b" /* done */', 'const n = 1', 'if (true) { 5 }', '({ a: 1 }).a', '({ H: 1, K: 2 });'), [2, [1, 2, 3], 8, 'ab', undefined, undefined, 1, { H: 1, K: 2 }]);
  });

  it('awaits at top level, also in the last expression', async () => {
    assert.deepEqual(await runCells('const v = await Promise.resolve(3);\nawait Promise.resolve(v + 1)'), [4]);
  });

  it('gives the parser’s message with the cell’s line and column', () => {
    const e = syntaxErrorOf('const ok = 1;\nlet q = ;');
    assert.deepEqual([e.message, e.line, e.column], ['Unexpected token', 2, 9]);
    const ts = syntaxErrorOf('const v: number = 3;\nlet w: string = ;', 'typescript');
    assert.deepEqual([ts.message, ts.line, ts.column], ['Unexpected token', 2, 17]);
    assert.match(syntaxErrorOf('x = (1 +').message, /Unexpected token/);
  });

  it('formats a syntax error with the line and a caret under the column', () => {
    const source = 'const ok = 1;\nlet q = ;';
    const e = syntaxError('cell 7', source, 'Unexpected token', 2, 9);
    assert.equal(e.stack, 'SyntaxError: Unexpected token (cell 7, line 2, column 9)\n  2 | let q = ;\n    |         ^');
    assert.equal(excerpt('\tx = ;', 1, 6), '  1 | \tx = ;\n    | \t    ^');
  });

  it('maps runtime frames to the cell’s own line and column, past the transform’s edits', async () => {
    const source = 'const a = 1, b = 2;\nconst c = { d: null }\nconst e = c.d.boom;';
    const cell = compileCell(source, 'javascript');
    const error = await new vm.Script(cell.script, { filename: 'cell 3', lineOffset: -1 }).runInContext(vm.createContext({})).catch((e: Error) => e);
    const shown = runtimeError('cell 3', source, cell, error);
    assert.match(shown.stack, /^TypeError: Cannot read properties of null \(reading 'boom'\)\n {4}at cell 3:3:15\n {2}3 \| const e = c\.d\.boom;\n {4}\| {15}\^$/);
  });

  it('maps TypeScript frames through the stripped types', async () => {
    const source = 'const v: number = 3;\nfunction h(x: number): number { return (x as any).foo.bar }\nh(v)';
    const cell = compileCell(source, 'typescript');
    const error = await new vm.Script(cell.script, { filename: 'cell 1', lineOffset: -1 }).runInContext(vm.createContext({})).catch((e: Error) => e);
    const shown = runtimeError('cell 1', source, cell, error);
    const column = source.split('\n')[1].indexOf('.bar') + 2;
    assert.match(shown.stack, new RegExp(`at h \\(cell 1:2:${column}\\)\\n {4}at cell 1:3:1\\n`));
  });
});

describe('cell values as text', () => {
  it('prints floats with 4 decimals as PyTorch does, integers as they are, and containers in JS notation', () => {
    assert.equal(formatValue(0.41703), '0.4170');
    assert.equal(formatValue(-1 / 3), '-0.3333');
    assert.equal(formatValue(3), '3');
    assert.equal(formatValue(1.5e-7), '1.5000e-07');
    assert.equal(formatValue(2.5e9 + 0.5), '2.5000e+09');
    assert.equal(formatValue([NaN, Infinity, -Infinity]), '[NaN, Infinity, -Infinity]');
    assert.equal(formatValue({ H: 0.8018185525433372, 'H + KL': 1.0131, n: 2, s: 'x', ok: true, none: null }), '{ H: 0.8018, "H + KL": 1.0131, n: 2, s: "x", ok: true, none: null }');
    assert.equal(formatValue('plain text'), 'plain text');
    assert.equal(formatValue([1n, new Float32Array([0.5])]), '[1, Float32Array(1) [0.5000]]');
  });

  it('names functions, promises, cycles and long lists instead of failing or flooding', () => {
    function step() {}
    assert.equal(formatValue(step), '[Function step]');
    assert.match(formatValue(Promise.resolve(1)), /^Promise .*await/);
    const a: unknown[] = [1];
    a.push(a);
    assert.equal(formatValue(a), '[1, [Circular]]');
    assert.equal(formatValue(Array.from({ length: 102 }, (_, i) => i)).endsWith('99, ... 2 more]'), true);
    assert.equal(formatValue(new Map([['a', 0.5]])), 'Map(1) { "a" => 0.5000 }');
  });

  it('leaves the library’s own values to it', () => {
    assert.equal(formatValue({ t: 'T' }, (v) => (v === 'T' ? 'tensor([1.])' : undefined)), '{ t: tensor([1.]) }');
  });
});
