// Notebooks without VS Code: the file format, the kernel (state, await, TypeScript, errors, interrupt),
// renderer payload checks, and `losslab run` over every example.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { payloadProblem } from '../../src/charts/notebookFigures';
import { KernelClient, KernelInterrupted } from '../../src/kernel/client';
import { parseNotebook, serializeNotebook } from '../../src/notebook/format';
import { STARTER_CELLS } from '../../src/notebook/starter';
import { MIME } from '../../src/protocol/notebook';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples/notebooks');
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.lossnb'));

describe('.lossnb format', () => {
  for (const file of examples) {
    it(`${file} round-trips byte for byte`, () => {
      const text = readFileSync(path.join(EXAMPLES, file), 'utf8');
      assert.equal(serializeNotebook(parseNotebook(text)), text);
    });
  }

  it('keeps fields it does not know', () => {
    const text = serializeNotebook({ format: 'losslab-notebook/1', cells: [{ kind: 'code', language: 'javascript', source: '1', outputs: [], custom: { a: 1 } }], futureField: [1, 2] });
    assert.equal(serializeNotebook(parseNotebook(text)), text);
    assert.match(text, /"futureField"/);
  });

  it('refuses malformed files with the reason', () => {
    assert.throws(() => parseNotebook('{"cells": ['), /invalid JSON/);
    assert.throws(() => parseNotebook('{"format": "ipynb", "cells": []}'), /expected "format": "losslab-notebook\/1"/);
    assert.throws(() => parseNotebook('{"format": "losslab-notebook/1", "cells": [{"kind": "code"}]}'), /cell 1: "source" must be a string/);
  });
});

describe('notebook kernel', () => {
  const kernel = new KernelClient(path.join(ROOT, 'dist/kernel-worker.js'));
  after(() => kernel.dispose());
  const stdout = (r: { outputs: { items: { mime: string; data: unknown }[] }[] }) => r.outputs.flatMap((o) => o.items).filter((i) => i.mime.endsWith('stdout')).map((i) => i.data).join('');

  it('keeps state across cells, awaits at top level, and computes on the engine', async () => {
    await kernel.run('const x = torch.tensor([[2, 1, 0.1]], { requires_grad: true });\nconst y = torch.tensor([0]);', 'javascript', 'cell 1');
    const r = await kernel.run('const loss = await F.cross_entropy(x, y);\nloss.backward();\n[loss.item().toFixed(4), x.grad.tolist()[0].map((g) => g.toFixed(4))]', 'javascript', 'cell 2');
    assert.equal(r.ok, true);
    assert.equal(stdout(r), '["0.4170", ["-0.3410", "0.2424", "0.0986"]]\n');
  });

  it('runs PyTorch-style tensor code without await: a chain of ops, backward through it, printed as PyTorch prints', async () => {
    const r = await kernel.run('const W = torch.tensor([[0.5, -0.25], [0.125, 1.5]], { requires_grad: true });\nconst h = torch.tensor([[1, 2]], { dtype: torch.float32 }).matmul(W).relu();\nconst l = h.log_softmax(-1).at(":, 0").neg().sum();\nl.backward();\nconsole.log(l);\nW.grad', 'javascript', 'cell 3');
    assert.equal(r.ok, true, JSON.stringify(r.outputs));
    // PyTorch: z = [0.75, 2.75], l = −log_softmax(z)[0] = 2.1269; ∂l/∂z = softmax(z) − [1, 0] = [−0.8808, 0.8808]; W.grad = xᵀ·∂l/∂z.
    assert.equal(stdout(r), 'tensor(2.1269, grad_fn=<SumBackward0>)\ntensor([[-0.8808,  0.8808],\n        [-1.7616,  1.7616]])\n');
  });

  it('a float op on an int64 tensor names the dtype and hints at { dtype: torch.float32 }', async () => {
    const r = await kernel.run('const labels = torch.tensor([[1, 2, 3]]);\nF.binary_cross_entropy_with_logits(torch.zeros(1, 3), torch.zeros(1, 3), { pos_weight: labels })', 'javascript', 'cell 4');
    const error = r.outputs[0].items[0].data as { message: string; stack: string };
    assert.match(error.message, /expected pos_weight to be a floating point tensor, but got dtype int64\nHint: .*\{ dtype: torch\.float32 \}/);
    assert.match(error.stack, /at cell 4:2:/);
  });

  it('a shape error is PyTorch’s message at the cell line that recorded the op, not the line that read it', async () => {
    const r = await kernel.run('const a = torch.ones(2, 3);\nconst b = torch.ones(4, 5);\nconst c = a.matmul(b);\nc.sum().item()', 'javascript', 'cell 5');
    const error = r.outputs[0].items[0].data as { message: string; stack: string };
    assert.equal(error.message, 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
    assert.match(error.stack, /at cell 5:3:13\n {2}3 \| const c = a\.matmul\(b\);\n {4}\| {13}\^/);
  });

  it('interrupts a long loop of tensor code at its next engine call, keeping the kernel’s variables', async () => {
    const loop = kernel.run('const w = torch.ones(64, 64, { requires_grad: true });\nlet steps = 0;\nfor (;;) { w.matmul(w).sum().backward(); w.grad.zero_(); steps++; }', 'javascript', 'cell 6');
    setTimeout(() => void kernel.interrupt(), 1500);
    const r = await loop;
    assert.equal(r.ok, false);
    const error = r.outputs.at(-1)!.items[0].data as { name: string; stack: string };
    assert.equal(error.name, 'KeyboardInterrupt');
    assert.match(error.stack, /at cell 6:3:/);
    assert.match(stdout(await kernel.run('[w.shape, steps > 0]', 'javascript', 'cell 7')), /^\[\[64, 64\], true\]\n$/);
  });

  it('runs TypeScript cells', async () => {
    const r = await kernel.run('const n: number = 21;\nfunction twice(v: number): number { return v * 2 }\ntwice(n)', 'typescript', 'cell 3');
    assert.equal(stdout(r), '42\n');
  });

  it('reports an error with the cell’s own line number', async () => {
    const r = await kernel.run('const a = 1;\nconst b = 2;\nnull.boom;', 'javascript', 'cell 4');
    assert.equal(r.ok, false);
    const error = r.outputs[0].items[0].data as { name: string; stack: string };
    assert.equal(error.name, 'TypeError');
    assert.match(error.stack, /at cell 4:3:/);
  });

  it('a syntax error shows the parser’s message, the line and a caret; the kernel keeps its state', async () => {
    await kernel.run('const kept = 41;', 'javascript', 'cell 4');
    const r = await kernel.run('const ok = 1;\nlet q = ;', 'javascript', 'cell 7');
    assert.equal(r.ok, false);
    const error = r.outputs[0].items[0].data as { name: string; message: string; stack: string };
    assert.equal(error.name, 'SyntaxError');
    assert.equal(error.stack, 'SyntaxError: Unexpected token (cell 7, line 2, column 9)\n  2 | let q = ;\n    |         ^');
    assert.equal(stdout(await kernel.run('kept + 1', 'javascript', 'cell 8')), '42\n');
  });

  it('every declaration of a line persists to later cells, and the last expression may span lines or follow a statement', async () => {
    await kernel.run('const p1 = 1; const p2 = 2;', 'javascript', 'cell 1');
    assert.equal(stdout(await kernel.run('const s = p1 + p2; [s,\n p2] // both', 'javascript', 'cell 2')), '[3, 2]\n');
  });

  it('prints numbers as PyTorch does (4 decimals), not as 16-digit JSON', async () => {
    assert.equal(stdout(await kernel.run('console.log(0.1 + 0.2, { loss: 2 / 3 });\n[1 / 3, 7]', 'javascript', 'cell 9')), '0.3000 { loss: 0.6667 }\n[0.3333, 7]\n');
  });

  it('an engine error (bad label) is a cell error, and the kernel keeps going', async () => {
    const r = await kernel.run('await F.cross_entropy(torch.tensor([[1.5, 0.5]]), torch.tensor([5]))', 'javascript', 'cell 5');
    assert.match((r.outputs[0].items[0].data as { message: string }).message, /Target 5 is out of bounds for 2 classes/);
    assert.equal(stdout(await kernel.run('1 + 1', 'javascript', 'cell 6')), '2\n');
  });

  it('interrupts an endless cell while its posted backward still computes: the kernel ends only after the run', async () => {
    // backward() does not wait for ONNX Runtime, so the loop starts while the 1536² matmuls run; ending the
    // thread in the middle of a run would take this whole process down.
    const endless = kernel.run('const big = torch.ones(1536, 1536, { requires_grad: true });\nbig.matmul(big).matmul(big).sum().backward();\nwhile (true) {}', 'javascript', 'cell 9');
    setTimeout(() => void kernel.interrupt(100), 200);
    await assert.rejects(endless, KernelInterrupted);
    assert.equal(stdout(await kernel.run('typeof big', 'javascript', 'cell 10')), 'undefined\n');
  });

  it('interrupts a training run of train() at its next step, keeping the kernel’s variables', async () => {
    await kernel.run('const kept = 7;', 'javascript', 'cell 11');
    const training = kernel.run('await train({ steps: 1000000 })', 'javascript', 'cell 12');
    setTimeout(() => void kernel.interrupt(), 1500);
    const r = await training;
    assert.equal(r.ok, false);
    assert.equal((r.outputs.at(-1)!.items[0].data as { name: string }).name, 'KeyboardInterrupt');
    assert.equal(stdout(await kernel.run('kept', 'javascript', 'cell 13')), '7\n');
  });

  it('interrupts an endless cell; the next cell gets a fresh kernel', async () => {
    const endless = kernel.run('while (true) {}', 'javascript', 'cell 7');
    setTimeout(() => void kernel.interrupt(), 300);
    await assert.rejects(endless, KernelInterrupted);
    assert.equal(stdout(await kernel.run('typeof x', 'javascript', 'cell 8')), 'undefined\n');
  });
});

describe('renderer payloads', () => {
  it('accepts good payloads and names what is wrong with bad ones', () => {
    assert.equal(payloadProblem(MIME.distribution, { version: 1, labels: ['a', 'b'], series: [{ name: 'p', values: [0.4, 0.6] }] }), undefined);
    assert.match(payloadProblem(MIME.distribution, { version: 1, labels: ['a'], series: [{ name: 'p', values: [1, 2] }] })!, /as many numeric "values" as there are labels/);
    assert.match(payloadProblem(MIME.curve, { version: 2, x: [], series: [] })!, /unsupported payload version 2/);
    assert.match(payloadProblem(MIME.tensor, { version: 1, shape: [2, 2], data: [1, 2, 3] })!, /does not match 3 values/);
    assert.match(payloadProblem(MIME.curve, 'nope')!, /not a JSON object/);
    const scene = { version: 1, scene: 'softmax-ce', title: 'Softmax', numbers: 'loss 1', charts: [{ kind: 'distribution', version: 1, labels: ['0'], series: [{ name: 'p', values: [1] }] }] };
    assert.equal(payloadProblem(MIME.scene, scene), undefined);
    assert.match(payloadProblem(MIME.scene, { ...scene, charts: [{ kind: 'curve', version: 1, x: [1, 2], series: [{ name: 'l', y: [1] }] }] })!, /chart: every series needs a numeric "y" as long as "x"/);
  });
});

const NOTEBOOK_NUMBERS: Record<string, Record<string, (number | string | null)[]>> = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/notebookOutputs.json'), 'utf8'));

/** The numbers a cell printed (stdout), leaving out those inside keys, strings and tensor suffixes. */
function printedNumbers(cell: { outputs?: { items: { mime: string; data: unknown }[] }[] }): number[] {
  const text = (cell.outputs ?? []).flatMap((o) => o.items).filter((i) => i.mime.endsWith('stdout')).map((i) => String(i.data)).join('');
  const values = text.replace(/"(?:[^"\\]|\\.)*"/g, '').replace(/[A-Za-z_$][\w$]*:/g, '').replace(/(grad_fn|dtype)=[^,)]*/g, '');
  return (values.match(/-?Infinity|NaN|-?\d+(?:\.\d*)?(?:e[+-]?\d+)?/g) ?? []).map(Number);
}

/** A notebook's outputs, every number in them to 6 significant digits. */
function outputsOf(text: string): unknown {
  const round = (v: unknown): unknown =>
    typeof v === 'number' ? Number(v.toPrecision(6)) : Array.isArray(v) ? v.map(round) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)])) : v;
  return parseNotebook(text).cells.map((c) => round(c.outputs ?? []));
}

describe('losslab run', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'losslab-run-'));
  for (const file of examples) {
    it(`runs every cell of ${file}, reproducing its saved outputs`, () => {
      const target = path.join(out, file);
      execFileSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', path.join(EXAMPLES, file), '--out', target], { stdio: 'pipe' });
      // Nothing saved depends on timing: running it again gives the saved outputs (to 6 significant digits,
      // so that a change in the last bits of a float32 does not ask for a re-save; a speed would differ).
      assert.deepEqual(outputsOf(readFileSync(target, 'utf8')), outputsOf(readFileSync(path.join(EXAMPLES, file), 'utf8')), `${file}: running it changes its saved outputs (re-save it with losslab run)`);
      const nb = parseNotebook(readFileSync(target, 'utf8'));
      const code = nb.cells.filter((c) => c.kind === 'code');
      assert.ok(code.every((c) => c.outputs!.length > 0 && !c.outputs!.some((o) => o.items.some((i) => i.mime.endsWith('.error')))));
      // The numbers each cell prints, against PyTorch's (scripts/golden/notebook_outputs.py).
      const expected = NOTEBOOK_NUMBERS[file.replace(/(\.zh-cn)?\.lossnb$/, '')] ?? {};
      for (const [cell, want] of Object.entries(expected)) {
        const printed = printedNumbers(nb.cells[Number(cell.slice(5)) - 1]);
        assert.equal(printed.length, want.length, `${file} ${cell}: printed ${JSON.stringify(printed)}, expected ${want.length} numbers`);
        printed.forEach((got, i) => {
          const w = want[i] === null ? NaN : typeof want[i] === 'string' ? Number(want[i]) : (want[i] as number);
          const close = Number.isNaN(w) ? Number.isNaN(got) : !Number.isFinite(w) ? got === w : Math.abs(got - w) <= 2e-4 + 1e-4 * Math.abs(w);
          assert.ok(close, `${file} ${cell}, number ${i + 1}: printed ${got}, PyTorch ${w}`);
        });
      }
    });
  }

  it("runs a new notebook's starter cells as they are: a chart of p and the gradient, and the loss", () => {
    const file = path.join(out, 'starter.lossnb');
    writeFileSync(file, serializeNotebook({ format: 'losslab-notebook/1', cells: STARTER_CELLS.map((c) => ({ ...c, outputs: c.kind === 'code' ? [] : undefined })) }));
    execFileSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', file], { stdio: 'pipe' });
    const items = parseNotebook(readFileSync(file, 'utf8')).cells[1].outputs!.flatMap((o) => o.items);
    const chart = items.find((i) => i.mime === MIME.distribution)?.data as { labels: string[]; series: { name: string; values: number[] }[] } | undefined;
    assert.ok(chart, `no chart: ${JSON.stringify(items)}`);
    assert.deepEqual(chart.series.map((s) => s.name), ['probabilities', 'gradient']);
    // PyTorch: softmax([2, 1, 0.1]) and its gradient p − onehot(0); cross_entropy 0.4170.
    const p = [0.659001, 0.242433, 0.0985659];
    chart.series[0].values.forEach((v, i) => assert.ok(Math.abs(v - p[i]) < 1e-5, `p[${i}] ${v}`));
    chart.series[1].values.forEach((v, i) => assert.ok(Math.abs(v - (p[i] - (i === 0 ? 1 : 0))) < 1e-5, `grad[${i}] ${v}`));
    assert.equal(items.find((i) => i.mime.endsWith('stdout'))?.data, 'tensor(0.4170, grad_fn=<NllLossBackward0>)\n');
  });

  it('prints a syntax error with its message, line, column and caret', () => {
    const bad = path.join(out, 'syntax.lossnb');
    writeFileSync(bad, serializeNotebook({ format: 'losslab-notebook/1', cells: [{ kind: 'markdown', language: 'markdown', source: '# t' }, { kind: 'code', language: 'javascript', source: 'const a = 1;\nlet q = ;', outputs: [] }] }));
    const run = spawnSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', bad], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /cell 2: FAILED\nSyntaxError: Unexpected token \(cell 2, line 2, column 9\)\n {2}2 \| let q = ;\n {4}\| {9}\^\n/);
  });

  it('checks the printed numbers of every notebook that has PyTorch references', () => {
    const names = new Set(examples.map((f) => f.replace(/(\.zh-cn)?\.lossnb$/, '')));
    for (const name of Object.keys(NOTEBOOK_NUMBERS).filter((k) => !k.startsWith('_'))) assert.ok(names.has(name), `${name} has references but no notebook`);
    assert.ok(Object.keys(NOTEBOOK_NUMBERS).length >= 11);
  });

  it('exits 1 when a cell fails', () => {
    const bad = path.join(out, 'bad.lossnb');
    require('node:fs').writeFileSync(bad, serializeNotebook({ format: 'losslab-notebook/1', cells: [{ kind: 'code', language: 'javascript', source: 'throw new Error("no")', outputs: [] }] }));
    assert.throws(() => execFileSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', bad], { stdio: 'pipe' }), (e: { status?: number }) => e.status === 1);
  });
});
