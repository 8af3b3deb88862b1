// Fuzzes `losslab run`: a good cell, a hostile or odd cell, and a cell with stale outputs, in notebooks that
// are also re-encoded (BOM, UTF-16) or broken as files. Judged from the written notebook and the exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FuzzContext } from './evalCases';
import { leak, type Outcome } from './outcome';

/** pass: the cell runs and the next one too; fail: the cell gets a clear error and the run stops there. */
type Expect = 'pass' | 'fail';

const CELLS: [string, Expect][] = [
  ['while (true) {}', 'fail'],
  ['await new Promise(() => {})', 'fail'],
  ['throw { stack: 42 }', 'fail'],
  ['throw null', 'fail'],
  ['throw undefined', 'fail'],
  ['throw Object.create(null)', 'fail'],
  ["throw 'a plain string'", 'fail'],
  ['throw { message: {} }', 'fail'],
  ['throw new Error("boom")', 'fail'],
  ['const e = new Error("x"); e.name = 42; throw e', 'fail'],
  ['throw new (class extends Error { get stack() { throw new Error("no stack for you"); } })("odd")', 'fail'],
  ['Promise.reject(new Error("nobody awaits this"))', 'fail'],
  ['setTimeout(() => { throw new Error("in a timer"); }, 0); await new Promise((r) => setTimeout(r, 50));', 'fail'],
  ['new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 0)); await new Promise((r) => setTimeout(r, 50));', 'fail'],
  ['plot.curve([1, 2], { a: [1, 2] }, { title: () => 1 })', 'fail'],
  ['plot.distribution({ p: [0.5, 0.5] }, { labels: [Symbol("a"), "b"] })', 'fail'],
  ['globalThis.constructor.constructor("return process")().exit(3)', 'fail'],
  ['const = ;', 'fail'],
  ['{', 'fail'],
  ['notDefinedAnywhere + 1', 'fail'],
  ['await F.cross_entropy(torch.tensor([[1, 2]]), torch.tensor([5]))', 'fail'],
  ['await F.cross_entropy(torch.tensor([[1.5, 2]]), torch.tensor([0]))', 'pass'],
  ['show({ f() { return 1; } })', 'pass'],
  ['console.log(() => 1)', 'pass'],
  ['const n = 3; n * 2', 'pass'],
  ['await new Promise((r) => setTimeout(r, 10));\n5', 'pass'],
  ['"x".repeat(10000).length', 'pass'],
];

type Encoding = 'utf8' | 'bom' | 'utf16le' | 'utf16be';

function encode(text: string, how: Encoding): Buffer {
  if (how === 'utf8') return Buffer.from(text, 'utf8');
  if (how === 'bom') return Buffer.from(`\ufeff${text}`, 'utf8');
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  return how === 'utf16le' ? le : le.swap16();
}

interface Cell {
  kind: 'code' | 'markdown';
  language?: string;
  source: string;
  outputs?: { items: { mime: string; data: unknown }[] }[];
}

const STALE = [{ items: [{ mime: 'text/plain', data: 'STALE output of an earlier run' }] }];

function notebook(hostile: string, language = 'javascript'): { format: string; cells: Cell[] } {
  return {
    format: 'losslab-notebook/1',
    cells: [
      { kind: 'markdown', language: 'markdown', source: '# fuzz' },
      { kind: 'code', language: 'javascript', source: 'const fuzzA = 6 * 7;\nfuzzA', outputs: STALE },
      { kind: 'code', language, source: hostile, outputs: STALE },
      { kind: 'code', language: 'javascript', source: "'fuzz' + 'B'", outputs: STALE },
    ],
  };
}

const textOf = (c: Cell | undefined) => JSON.stringify(c?.outputs ?? []);

function errorMessage(c: Cell | undefined): string | undefined {
  for (const o of c?.outputs ?? []) {
    for (const item of o.items ?? []) {
      if (item.mime === 'application/vnd.code.notebook.error') {
        const d = item.data as { name?: unknown; message?: unknown };
        return `${String(d?.name)}: ${String(d?.message)}`;
      }
    }
  }
  return undefined;
}

export function fuzzNotebooks(ctx: FuzzContext): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-fuzz-nb-'));
  const help = spawnSync(process.execPath, [ctx.cli, '--help'], { encoding: 'utf8' }).stdout;
  const timeoutArgs = help.includes('--timeout') ? ['--timeout', '2'] : [];
  const r = ctx.random;
  try {
    const plans: { name: string; bytes: Buffer; expect: Expect | 'refuse' }[] = [];
    for (const [source, expect] of CELLS) plans.push({ name: source, bytes: encode(JSON.stringify(notebook(source)), 'utf8'), expect });
    for (const how of ['bom', 'utf16le', 'utf16be'] as const) plans.push({ name: `notebook in ${how}`, bytes: encode(JSON.stringify(notebook('1 + 1')), how), expect: 'pass' });
    plans.push({ name: 'a python cell', bytes: encode(JSON.stringify(notebook('1 + 1', 'python')), 'utf8'), expect: 'fail' });
    plans.push({ name: 'a typescript cell', bytes: encode(JSON.stringify(notebook('const k: number = 3;\nk', 'typescript')), 'utf8'), expect: 'pass' });
    const broken: [string, string][] = [
      ['invalid JSON', '{"format": "losslab-notebook/1", "cells": ['],
      ['wrong format', '{"format": "jupyter", "cells": []}'],
      ['cells not a list', '{"format": "losslab-notebook/1", "cells": {}}'],
      ['a null cell', '{"format": "losslab-notebook/1", "cells": [null]}'],
      ['source not a string', '{"format": "losslab-notebook/1", "cells": [{"kind": "code", "source": 3}]}'],
      ['a JSON array', '[]'],
      ['binary garbage', '\u0000\u0001\u0002'],
    ];
    for (const [name, text] of broken) plans.push({ name, bytes: Buffer.from(text), expect: 'refuse' });
    const chosen = ctx.count >= plans.length ? plans : Array.from({ length: ctx.count }, () => r.pick(plans));
    chosen.forEach((plan, k) => {
      const file = path.join(dir, `nb-${k}.lossnb`);
      const out = path.join(dir, `nb-${k}.out.lossnb`);
      writeFileSync(file, plan.bytes);
      const p = spawnSync(process.execPath, [ctx.cli, 'run', file, '--out', out, ...timeoutArgs], { encoding: 'utf8', timeout: ctx.timeoutMs, killSignal: 'SIGKILL' });
      const [outcome, detail] = judge(plan.expect, p, out);
      ctx.tally.add('run', plan.name, outcome, detail);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function judge(expect: Expect | 'refuse', p: ReturnType<typeof spawnSync>, out: string): [Outcome, string] {
  const stderr = String(p.stderr ?? '');
  if (p.error && /ETIMEDOUT/.test(String((p.error as NodeJS.ErrnoException).code))) return ['hang', 'losslab run did not finish'];
  if (/kernel stopped/i.test(stderr)) return ['crash', stderr.trim().split('\n').slice(-2).join(' | ')];
  if (expect === 'refuse') {
    const message = stderr.trim();
    if (p.status === 0) return ['wrong', 'a broken notebook was accepted'];
    if (leak(message) || /^\s+at /m.test(message)) return ['crash', message.split('\n')[0]];
    return message ? ['error', message.split('\n')[0]] : ['crash', 'no message'];
  }
  if (!existsSync(out)) return ['lost', `no --out file written (exit ${p.status}): ${stderr.trim().split('\n').at(-1)}`];
  let cells: Cell[];
  try {
    cells = (JSON.parse(readFileSync(out, 'utf8')) as { cells: Cell[] }).cells;
  } catch (error) {
    return ['crash', `--out is not a notebook: ${error}`];
  }
  const [, a, h, b] = cells;
  if (!textOf(a).includes('42') || textOf(a).includes('STALE')) return ['lost', `the good first cell lost its output: ${textOf(a)}`];
  const message = errorMessage(h);
  if (expect === 'pass') {
    if (message) return ['wrong', `a valid cell failed: ${message}`];
    if (!textOf(b).includes('fuzzB')) return ['lost', `the cell after it did not run: ${textOf(b)}`];
    return p.status === 0 ? ['correct', ''] : ['wrong', `exit code ${p.status}`];
  }
  if (!message) return ['wrong', `no error on the failing cell; outputs ${textOf(h).slice(0, 120)}`];
  if (leak(message) || /undefined: undefined|^Error: $/.test(message)) return ['crash', `unclear error: ${message}`];
  if (textOf(b).includes('STALE')) return ['wrong', 'a cell that never ran kept its old outputs'];
  if (p.status !== 1) return ['wrong', `exit code ${p.status} after a failed cell`];
  return ['error', message];
}
