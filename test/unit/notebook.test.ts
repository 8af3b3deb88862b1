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
    await kernel.run('const x = torch.tensor([[2, 1, 0.1]]);\nconst y = torch.tensor([0]);', 'javascript', 'cell 1');
    const r = await kernel.run('const loss = await F.cross_entropy(x, y);\nloss.backward();\n[loss.item().toFixed(4), x.grad.tolist()[0].map((g) => g.toFixed(4))]', 'javascript', 'cell 2');
    assert.equal(r.ok, true);
    assert.equal(stdout(r), '["0.4170", ["-0.3410", "0.2424", "0.0986"]]\n');
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

describe('losslab run', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'losslab-run-'));
  for (const file of examples) {
    it(`runs every cell of ${file}`, () => {
      const target = path.join(out, file);
      execFileSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', path.join(EXAMPLES, file), '--out', target], { stdio: 'pipe' });
      const nb = parseNotebook(readFileSync(target, 'utf8'));
      const code = nb.cells.filter((c) => c.kind === 'code');
      assert.ok(code.every((c) => c.outputs!.length > 0 && !c.outputs!.some((o) => o.items.some((i) => i.mime.endsWith('.error')))));
    });
  }

  it('prints a syntax error with its message, line, column and caret', () => {
    const bad = path.join(out, 'syntax.lossnb');
    writeFileSync(bad, serializeNotebook({ format: 'losslab-notebook/1', cells: [{ kind: 'markdown', language: 'markdown', source: '# t' }, { kind: 'code', language: 'javascript', source: 'const a = 1;\nlet q = ;', outputs: [] }] }));
    const run = spawnSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', bad], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /cell 2: FAILED\nSyntaxError: Unexpected token \(cell 2, line 2, column 9\)\n {2}2 \| let q = ;\n {4}\| {9}\^\n/);
  });

  it('exits 1 when a cell fails', () => {
    const bad = path.join(out, 'bad.lossnb');
    require('node:fs').writeFileSync(bad, serializeNotebook({ format: 'losslab-notebook/1', cells: [{ kind: 'code', language: 'javascript', source: 'throw new Error("no")', outputs: [] }] }));
    assert.throws(() => execFileSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', bad], { stdio: 'pipe' }), (e: { status?: number }) => e.status === 1);
  });
});
