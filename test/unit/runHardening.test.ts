// `losslab run` on hostile cells and odd files: a per-cell timeout, the kernel surviving whatever a cell
// throws, cells after a failure cleared, what ran always written, Python cells refused, BOM/UTF-16 read.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
type Cell = { kind: string; language?: string; source: string; outputs?: { items: { mime: string; data: unknown }[] }[] };

describe('losslab run: hostile cells and odd files', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-run-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const STALE = [{ items: [{ mime: 'text/plain', data: 'old' }] }];
  function run(middle: string, options: { language?: string; encode?: (t: string) => Buffer; args?: string[] } = {}) {
    const nb = { format: 'losslab-notebook/1', cells: [{ kind: 'code', language: 'javascript', source: '6 * 7' }, { kind: 'code', language: options.language ?? 'javascript', source: middle }, { kind: 'code', language: 'javascript', source: "'after'", outputs: STALE }] };
    const file = path.join(dir, `nb-${Math.random().toString(36).slice(2)}.lossnb`);
    const text = JSON.stringify(nb);
    writeFileSync(file, options.encode ? options.encode(text) : text);
    const out = `${file}.out`;
    const p = spawnSync(process.execPath, [CLI, 'run', file, '--out', out, ...(options.args ?? ['--timeout', '2'])], { encoding: 'utf8', timeout: 60_000 });
    const cells = (JSON.parse(readFileSync(out, 'utf8')) as { cells: Cell[] }).cells;
    const error = cells[1].outputs?.flatMap((o) => o.items).find((i) => i.mime === 'application/vnd.code.notebook.error')?.data as { name: string; message: string } | undefined;
    return { status: p.status, signal: p.signal, stderr: p.stderr, cells, error, text: (i: number) => JSON.stringify(cells[i].outputs ?? []) };
  }

  it('a cell past --timeout is stopped with a clear error; earlier outputs are written, later cells cleared', () => {
    for (const source of ['while (true) {}', 'await new Promise(() => {})']) {
      const r = run(source);
      assert.equal(r.status, 1);
      assert.equal(r.error?.message, 'cell 2 did not finish within 2 s (--timeout); it was stopped');
      assert.match(r.text(0), /42/);
      assert.deepEqual(r.cells[2].outputs, []);
    }
  });

  it('a timeout in the middle of a long ONNX Runtime computation: a clear error and exit code 1, never a native abort', () => {
    // Graphs of 10 [1500, 1500] matmuls, one after another until the timeout stops the cell: nearly all the
    // time is spent inside ORT, so the timeout lands while a graph runs however fast the machine is; the
    // kernel worker is ended only once that graph is done (terminating ORT's thread mid-run aborts the process).
    const started = Date.now();
    const r = run('const a = torch.randn([1500, 1500]).mul(0.03);\nfor (;;) {\n  let x = a;\n  for (let i = 0; i < 10; i++) x = x.matmul(a).tanh();\n  x.sum().item();\n}', { args: ['--timeout', '1'] });
    assert.equal(r.signal, null, `no signal (SIGABRT is a native abort): ${r.stderr}`);
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /Aborted|terminate called|core dumped|FATAL|libc\+\+abi|Assertion/);
    assert.equal(r.error?.name, 'TimeoutError');
    assert.equal(r.error?.message, 'cell 2 did not finish within 1 s (--timeout); it was stopped');
    assert.match(r.text(0), /42/);
    assert.deepEqual(r.cells[2].outputs, []);
    console.log(`      (ended after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  it('a throw in a timer, an unawaited rejection, odd thrown objects, process.exit and function outputs fail that cell only', () => {
    const cases: [string, RegExp][] = [
      ['setTimeout(() => { throw new Error("in a timer"); }, 0); await new Promise((r) => setTimeout(r, 50));', /in a timer \(thrown in a callback \(a timer or an event\) in cell 2\)/],
      ['Promise.reject(new Error("nobody awaits"));\n1', /nobody awaits \(a promise rejected and nobody awaited it in cell 2\)/],
      ['throw { stack: 42 }', /\{ stack: 42 \} was thrown \(not an Error\)/],
      ['throw { message: {} }', /^\{\}$/],
      ['throw null', /null was thrown/],
      ['throw new (class extends Error { get stack() { throw new Error("no"); } })("odd")', /^odd$/],
      ['globalThis.constructor.constructor("return process")().exit(3)', /process\.exit\(3\) is not available in a notebook cell/],
      ['plot.curve([1, 2], { a: [1, 2] }, { title: () => 1 })', /an output of cell 2 holds a value that cannot be shown/],
    ];
    for (const [source, message] of cases) {
      const r = run(source);
      assert.equal(r.status, 1, source);
      assert.match(r.error?.message ?? '', message, source);
      assert.doesNotMatch(r.stderr, /kernel stopped|\[object Object\]/, source);
      assert.deepEqual(r.cells[2].outputs, [], source);
    }
  });

  it('a Python cell is refused with a clear message, not run as JavaScript', () => {
    const r = run('1 + 1', { language: 'python' });
    assert.equal(r.error?.message, 'cell 2 is written in "python"; Loss Lab notebooks run JavaScript and TypeScript cells only');
  });

  it('notebooks with a UTF-8 BOM or in UTF-16 (LE or BE, with BOM) are read', () => {
    const encodings: ((t: string) => Buffer)[] = [(t) => Buffer.from(`\ufeff${t}`), (t) => Buffer.from(`\ufeff${t}`, 'utf16le'), (t) => Buffer.from(`\ufeff${t}`, 'utf16le').swap16()];
    for (const encode of encodings) {
      const r = run('1 + 1', { encode });
      assert.equal(r.status, 0);
      assert.match(r.text(2), /after/);
    }
  });

  it('invalid JSON is refused naming the file, line and column; no JSON.parse internals', () => {
    const file = path.join(dir, 'broken.lossnb');
    writeFileSync(file, '{"format": "losslab-notebook/1",\n "cells": [}');
    const p = spawnSync(process.execPath, [CLI, 'run', file], { encoding: 'utf8' });
    assert.equal(p.status, 1);
    assert.equal(p.stderr.trim(), `losslab run: ${file}: not a Loss Lab notebook: invalid JSON (unexpected "}")`);
  });
});
