// Composed notebook programs against PyTorch: every output value (dtype and shape too) and the gradient of
// every input that requires grad. The programs and PyTorch's results are in tensorPrograms.json, made by
// scripts/golden/tensor_programs.py from the same program written in Python and in the notebook's JS.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { F, format, nn, optim, Tensor, torch } from '../../src/tensor';
import { useTestEngine } from '../tensorEngine';

interface TensorJson {
  dtype: string;
  shape: number[];
  data: (number | boolean | string | null)[];
}

interface Program {
  id: string;
  inputs: Record<string, TensorJson & { requires_grad: boolean }>;
  js: string;
  tol: number | null;
  /** Set: compared relative to each value only (tiny values), instead of `tol`. */
  rtol?: number | null;
  backward: boolean;
  expected: { outputs: Record<string, TensorJson>; grad: Record<string, TensorJson>; repr?: Record<string, string> };
}

const file = JSON.parse(readFileSync(path.join(__dirname, 'tensorPrograms.json'), 'utf8')) as { torch_version: string; programs: Program[] };

function value(v: number | boolean | string | null): number {
  if (v === null) return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

function compare(name: string, actual: Tensor | undefined, expected: TensorJson, tol: number, rtol?: number | null): void {
  assert.ok(actual instanceof Tensor, `${name}: expected a tensor, got ${String(actual)}`);
  assert.equal(actual.dtype, expected.dtype, `${name}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${name}: shape`);
  const got = Array.from(actual.data() as ArrayLike<number | bigint>, Number);
  expected.data.forEach((e, i) => {
    const want = value(e);
    const a = got[i];
    if (Number.isNaN(want) || !Number.isFinite(want)) return assert.ok(Object.is(a, want) || (Number.isNaN(want) && Number.isNaN(a)), `${name}[${i}]: ${a} vs ${want}`);
    const bound = rtol ? rtol * Math.abs(want) : tol * (1 + Math.abs(want));
    assert.ok(Math.abs(a - want) <= bound, `${name}[${i}]: ${a} vs PyTorch ${want}`);
  });
}

function outputsOf(out: unknown): Record<string, Tensor> {
  if (out instanceof Tensor) return { out };
  return Object.fromEntries(Object.entries(out as Record<string, Tensor>));
}

describe(`notebook tensor programs against PyTorch ${file.torch_version} (${file.programs.length})`, () => {
  before(() => useTestEngine());

  it('covers at least 40 composed programs', () => assert.ok(file.programs.length >= 40));

  for (const p of file.programs) {
    it(p.id, () => {
      const leaves = Object.entries(p.inputs).map(([name, t]) => {
        const data = torch.tensor(t.data.map(value), { dtype: t.dtype }).reshape(t.shape);
        return [name, t.requires_grad ? data.requires_grad_() : data] as const;
      });
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const body = new Function('torch', 'F', 'nn', 'optim', 'Math', ...leaves.map(([n]) => n), `let out, loss;\n${p.js}\nreturn { out, loss };`);
      const { out, loss } = body(torch, F, nn, optim, Math, ...leaves.map(([, t]) => t)) as { out: unknown; loss: Tensor | null | undefined };
      const tol = p.tol ?? 1e-4;
      const root = loss === undefined ? (out instanceof Tensor && out.requires_grad && out.numel() === 1 ? out : undefined) : loss ?? undefined;
      assert.equal(root !== undefined, p.backward, 'runs backward where PyTorch did');
      root?.backward();
      const actual = outputsOf(out);
      assert.deepEqual(Object.keys(actual).sort(), Object.keys(p.expected.outputs).sort());
      for (const [name, e] of Object.entries(p.expected.outputs)) compare(name, actual[name], e, tol, p.rtol);
      for (const [name, text] of Object.entries(p.expected.repr ?? {})) assert.equal(format(actual[name]), text, `${name} prints as PyTorch prints it`);
      for (const [name, t] of leaves) {
        const e = p.expected.grad[name];
        if (e) compare(`grad ${name}`, t.grad ?? undefined, e, tol, p.rtol);
        else assert.equal(t.grad, null, `${name} has no gradient in PyTorch`);
      }
    });
  }
});
