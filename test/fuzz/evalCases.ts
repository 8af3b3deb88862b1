// Fuzzes `losslab eval`: golden cases mutated (case, tensors, labels, options, non-finite values, probability
// targets, `expected`), run in batches beside untouched cases, each outcome judged by what the mutation means.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mismatch, type CaseResult, type GoldenCase } from '../../src/golden/format';
import { leak, Tally, type Outcome } from './outcome';
import type { Random } from './random';

/**
 * same: the result must equal the case's `expected`; refuse: a clear error; flag: computed with its NaN/Inf
 * inputs named (or refused); warn: computed with a warning; finite: a finite output; any: no crash.
 */
type Expect = 'same' | 'refuse' | 'flag' | 'warn' | 'finite' | 'any';

interface Mutant {
  name: string;
  /** The case as it goes into the file (any JSON value: mutations may break its shape). */
  value: unknown;
  expect: Expect;
  /** The untouched case, for `same`. */
  golden: GoldenCase;
}

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const FLOATS = ['float32', 'float64'];

function tensors(c: GoldenCase): [string, Json][] {
  const out: [string, Json][] = Object.entries(c.inputs ?? {}).map(([k, t]) => [k, t as unknown as Json]);
  for (const [k, v] of Object.entries(c.options ?? {})) if (v && typeof v === 'object') out.push([k, v as Json]);
  return out;
}

function floatTensors(c: GoldenCase): [string, Json][] {
  return tensors(c).filter(([, t]) => FLOATS.includes(t.dtype as string) && (t.data as unknown[]).length > 0);
}

function intTensors(c: GoldenCase): [string, Json][] {
  return tensors(c).filter(([, t]) => t.dtype === 'int64' && (t.data as unknown[]).length > 0);
}

/** A JSON object with an own `__proto__` key (as JSON.parse makes one). */
function withProto(base: Json, value: unknown): Json {
  const o = clone(base);
  Object.defineProperty(o, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  return o;
}

type Mutation = (c: GoldenCase, r: Random) => Omit<Mutant, 'golden'> | undefined;

const setElement = (name: string, value: unknown, pickTensor: (c: GoldenCase) => [string, Json][], expect: Expect): Mutation => (c, r) => {
  const m = clone(c);
  const candidates = pickTensor(m);
  if (!candidates.length) return undefined;
  const [tn, t] = r.pick(candidates);
  const data = t.data as unknown[];
  data[r.int(data.length)] = value;
  return { name: `${name} in ${tn}`, value: m, expect };
};

const LABEL_OPS = ['cross_entropy', 'nll_loss', 'focal_loss', 'perplexity', 'sequence_cross_entropy', 'causal_lm_loss'];

const MUTATIONS: Mutation[] = [
  (c) => ({ name: 'untouched', value: clone(c), expect: 'same' }),
  (c) => {
    const m = clone(c);
    for (const [, t] of floatTensors(m)) t.dtype = 'float64';
    return { name: 'float inputs as float64', value: m, expect: 'same' };
  },
  () => ({ name: 'null case', value: null, expect: 'refuse' }),
  (_c, r) => ({ name: 'case that is not an object', value: r.pick([42, 'cross_entropy', [1, 2], true]), expect: 'refuse' }),
  (c) => ({ name: 'no op', value: { ...clone(c), op: undefined }, expect: 'refuse' }),
  (c, r) => ({ name: 'bad op', value: { ...clone(c), op: r.pick(['cross_entropyy', 7, null, '__proto__', 'toString', 'constructor']) }, expect: 'refuse' }),
  (c, r) => ({ name: 'bad inputs', value: { ...clone(c), inputs: r.pick([null, [], 'x', 3]) }, expect: 'refuse' }),
  (c, r) => {
    const m = clone(c) as unknown as { inputs: Json };
    const name = r.pick(Object.keys(m.inputs));
    m.inputs[name] = r.pick([null, 1, 'tensor', [], {}, { dtype: 'float32' }, { dtype: 'float32', shape: [1] }]);
    return { name: `bad tensor ${name}`, value: m, expect: 'refuse' };
  },
  (c, r) => {
    const m = clone(c);
    const [n, t] = r.pick(tensors(m));
    t.dtype = r.pick(['float16', 'int32', 'bool', '', null, 1]);
    return { name: `bad dtype of ${n}`, value: m, expect: 'refuse' };
  },
  (c, r) => {
    const m = clone(c);
    const [n, t] = r.pick(tensors(m));
    t.shape = r.pick([null, 'x', [-1], [1.5], ['2'], [2 ** 40, 2 ** 40], [NaN], {}]);
    return { name: `bad shape of ${n}`, value: m, expect: 'refuse' };
  },
  (c, r) => {
    const m = clone(c);
    const [n, t] = r.pick(tensors(m));
    t.data = r.pick([null, 'x', 3, {}]);
    return { name: `bad data of ${n}`, value: m, expect: 'refuse' };
  },
  (c, r) => {
    const m = clone(c);
    const [n, t] = r.pick(tensors(m));
    const data = t.data as unknown[];
    if (r.next() < 0.5 && data.length) data.pop();
    else data.push(0);
    return { name: `data length ≠ shape of ${n}`, value: m, expect: 'refuse' };
  },
  (c, r) => setElement('null element', null, tensors, 'refuse')(c, r),
  (c, r) => setElement('"1.5" element', '1.5', tensors, 'refuse')(c, r),
  (c, r) => setElement('"abc" element', 'abc', tensors, 'refuse')(c, r),
  (c, r) => setElement('nested element', [1], tensors, 'refuse')(c, r),
  (c, r) => setElement('boolean element', true, tensors, 'refuse')(c, r),
  (c, r) => setElement('object element', {}, tensors, 'refuse')(c, r),
  (c, r) => setElement('2^64 label', 2 ** 64, intTensors, 'refuse')(c, r),
  (c, r) => setElement('1e19 label', 1e19, intTensors, 'refuse')(c, r),
  (c, r) => setElement('-2^64 label', -(2 ** 64), intTensors, 'refuse')(c, r),
  (c, r) => setElement('1.5 label', 1.5, intTensors, 'refuse')(c, r),
  (c, r) => (LABEL_OPS.includes(c.op) ? setElement('out-of-range class', r.pick([-1, -7, 10_000]), (x) => intTensors(x).filter(([n]) => n === 'target' || n === 'input_ids'), 'refuse')(c, r) : undefined),
  (c, r) => setElement('NaN element', 'NaN', floatTensors, 'flag')(c, r),
  (c, r) => setElement('+Inf element', 'Infinity', floatTensors, 'flag')(c, r),
  (c, r) => setElement('-Inf element', '-Infinity', floatTensors, 'flag')(c, r),
  (c) => ({ name: 'unknown option', value: { ...clone(c), options: { ...(c.options ?? {}), reductio: 'sum' } }, expect: 'refuse' }),
  (c) => ({ name: '__proto__ option', value: { ...clone(c), options: withProto((c.options ?? {}) as Json, { reduction: 'sum' }) }, expect: 'refuse' }),
  (c) => ({ name: '__proto__ input', value: { ...clone(c), inputs: withProto(c.inputs as unknown as Json, c.inputs[Object.keys(c.inputs)[0]]) }, expect: 'refuse' }),
  (c, r) => ({ name: 'bad reduction', value: { ...clone(c), options: { ...(c.options ?? {}), reduction: r.pick(['banana', 1, true, '']) } }, expect: 'refuse' }),
  (c) => (c.op === 'ctc_loss' ? { name: 'zero_infinity "false"', value: { ...clone(c), options: { ...(c.options ?? {}), zero_infinity: 'false' } }, expect: 'refuse' } : c.op === 'kl_div' ? { name: 'log_target "false"', value: { ...clone(c), options: { ...(c.options ?? {}), log_target: 'false' } }, expect: 'refuse' } : undefined),
  (c, r) => (LABEL_OPS.includes(c.op) && c.op !== 'focal_loss' ? { name: 'ignore_index not an int64', value: { ...clone(c), options: { ...(c.options ?? {}), ignore_index: r.pick([2 ** 64, 1e19, 1.5, '-100']) } }, expect: 'refuse' } : undefined),
  (c, r) => {
    const numeric = Object.entries(c.options ?? {}).filter(([, v]) => typeof v === 'number');
    if (!numeric.length) return undefined;
    const [k, v] = r.pick(numeric);
    return { name: `option ${k} as a string`, value: { ...clone(c), options: { ...(c.options ?? {}), [k]: String(v) } }, expect: 'refuse' };
  },
  (c, r) => {
    // Probability targets that do not sum to 1 (or are negative): PyTorch computes; we must too, with a warning.
    const which: Record<string, string> = { kl_div: 'target', kl_divergence: 'p', entropy: 'input' };
    const isSoftCe = c.op === 'cross_entropy' && FLOATS.includes(c.inputs.target?.dtype);
    const name = isSoftCe ? 'target' : which[c.op];
    if (!name || (c.op === 'kl_div' && c.options?.log_target)) return undefined;
    const m = clone(c);
    const t = m.inputs[name];
    const i = r.int(t.data.length);
    t.data[i] = r.next() < 0.5 ? -0.25 : t.data[i] + 0.5;
    return { name: `probabilities of ${name} not summing to 1`, value: m, expect: 'warn' };
  },
  (c) => {
    if (c.op !== 'info_nce') return undefined;
    const m = clone(c);
    const D = m.inputs.query.shape[1];
    for (let j = 0; j < D; j++) m.inputs.query.data[j] = 0;
    return { name: 'info_nce all-zero query row', value: m, expect: 'finite' };
  },
  (c) => {
    // An empty batch: PyTorch answers (mean over nothing is NaN, sum 0) or refuses; either way, no crash.
    const m = clone(c);
    const first = Object.values(m.inputs)[0];
    if (!first || first.shape.length < 1) return undefined;
    const N = first.shape[0];
    for (const t of Object.values(m.inputs)) {
      if (t.shape[0] === N) {
        t.shape = [0, ...t.shape.slice(1)];
        t.data = [];
      }
    }
    return { name: 'empty batch', value: m, expect: 'any' };
  },
];

/** Cases with NaN/±Infinity spelled as strings, so a file can carry them (as `losslab eval` prints them). */
function stringify(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
}

function hasNonFinite(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasNonFinite);
  if (v && typeof v === 'object') return Object.values(v).some(hasNonFinite);
  return v === 'NaN' || v === 'Infinity' || v === '-Infinity';
}

function allFinite(r: Json): boolean {
  const data = (r.output as { data?: unknown[] } | undefined)?.data;
  return Array.isArray(data) && data.every((x) => typeof x === 'number' && Number.isFinite(x));
}

function judge(m: Mutant, r: Json | undefined): [Outcome, string] {
  if (!r) return m.expect === 'same' ? ['lost', 'no result entry'] : ['crash', 'no result entry'];
  if (typeof r.error === 'string') {
    const internal = leak(r.error);
    if (internal || r.error.trim() === '') return ['crash', `message leaks ${internal ?? 'nothing (empty)'}: ${r.error}`];
    if (m.expect === 'same') return ['lost', `refused a good case: ${r.error}`];
    if (m.expect === 'warn') return ['wrong', `refused what PyTorch computes: ${r.error}`];
    if (m.expect === 'finite') return ['wrong', `refused: ${r.error}`];
    return ['error', r.error];
  }
  const warnings = Array.isArray(r.warnings) ? r.warnings : [];
  const flagged = Array.isArray(r.nonFinite) && r.nonFinite.length > 0;
  switch (m.expect) {
    case 'same': {
      const problem = mismatch(r as CaseResult, m.golden);
      return problem ? ['wrong', problem] : ['correct', ''];
    }
    case 'refuse':
      return ['wrong', `accepted: ${stringify(r.output).slice(0, 120)}`];
    case 'flag':
      if (flagged) return ['warned', ''];
      return ['wrong', `non-finite input not flagged; output ${stringify(r.output).slice(0, 120)}`];
    case 'warn':
      return warnings.length ? ['warned', String(warnings[0])] : ['wrong', 'computed without a warning'];
    case 'finite':
      return allFinite(r) ? ['correct', ''] : ['wrong', `output ${stringify(r.output).slice(0, 120)}`];
    case 'any':
      return warnings.length || flagged || hasNonFinite(r.output) ? ['warned', ''] : ['correct', ''];
  }
}

export interface FuzzContext {
  cli: string;
  random: Random;
  /** How many mutated inputs to make. */
  count: number;
  tally: Tally;
  timeoutMs: number;
}

function runCli(ctx: FuzzContext, args: string[]): { status: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const p = spawnSync(process.execPath, [ctx.cli, ...args], { encoding: 'utf8', timeout: ctx.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 28 });
  const timedOut = p.error !== undefined && /ETIMEDOUT/.test(String((p.error as NodeJS.ErrnoException).code));
  return { status: p.status, stdout: p.stdout ?? '', stderr: p.stderr ?? '', timedOut };
}

function parseResults(stdout: string): Json[] | undefined {
  try {
    const out = JSON.parse(stdout) as { results?: Json[] };
    return Array.isArray(out.results) ? out.results : undefined;
  } catch {
    return undefined;
  }
}

export function fuzzEval(ctx: FuzzContext, goldenFile: string): void {
  const golden = (JSON.parse(readFileSync(goldenFile, 'utf8')) as { cases: GoldenCase[] }).cases;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-fuzz-eval-'));
  const { random: r } = ctx;
  try {
    const mutants: Mutant[] = [];
    for (let k = 0; mutants.length < ctx.count && k < ctx.count * 20; k++) {
      const g = r.pick(golden);
      const made = r.pick(MUTATIONS)(g, r);
      if (!made) continue;
      const id = `${g.id}#${k}`;
      if (made.value && typeof made.value === 'object' && !Array.isArray(made.value)) (made.value as Json).id = id;
      if (made.expect !== 'same') delete (made.value as Json | null)?.expected;
      mutants.push({ ...made, golden: { ...g, id } });
    }
    const BATCH = 40;
    for (let b = 0; b < mutants.length; b += BATCH) {
      const batch = mutants.slice(b, b + BATCH);
      const file = path.join(dir, `batch-${b}.json`);
      writeFileSync(file, `{"format": "losslab-golden/1", "cases": [${batch.map((m) => stringify(m.value)).join(',')}]}`);
      const p = runCli(ctx, ['eval', file]);
      if (p.timedOut) {
        for (const m of batch) ctx.tally.add('eval', m.name, 'hang', `batch ${b}`);
        continue;
      }
      const results = parseResults(p.stdout);
      if (!results) {
        const why = leak(p.stderr) ? 'crash' : 'crash';
        for (const m of batch) ctx.tally.add('eval', `${m.name} (${m.golden.id})`, m.expect === 'same' ? 'lost' : why, `run died: ${p.stderr.trim().split('\n')[0] ?? ''}`);
        continue;
      }
      batch.forEach((m, i) => {
        const entry = results.length === batch.length ? results[i] : results.find((x) => x.id === m.golden.id);
        const [outcome, detail] = judge(m, entry);
        ctx.tally.add('eval', `${m.name} (${m.golden.id})`, outcome, detail);
      });
    }
    fuzzCheck(ctx, golden, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `eval --check` with damaged `expected` values: each such case fails with a message, the good ones pass. */
function fuzzCheck(ctx: FuzzContext, golden: GoldenCase[], dir: string): void {
  const r = ctx.random;
  const damage: [string, (e: Json) => unknown][] = [
    ['empty expected', () => ({})],
    ['expected without data', (e) => ({ ...e, output: { ...(e.output as Json), data: undefined } })],
    ['expected with fewer values than its shape', (e) => ({ ...e, output: { ...(e.output as Json), data: (e.output as { data: number[] }).data.slice(0, -1) } })],
    ['expected output null', (e) => ({ ...e, output: null })],
    ['expected that is a string', () => 'x'],
  ];
  const rounds = Math.max(1, Math.round(ctx.count / 100));
  for (let k = 0; k < rounds; k++) {
    const good = [r.pick(golden), r.pick(golden)].map((g, j) => ({ ...g, id: `${g.id}#good${k}-${j}` }));
    const bad = damage.map(([name, f], j) => {
      const g = r.pick(golden);
      return { name, value: { ...g, id: `${g.id}#bad${k}-${j}`, expected: f(g.expected as unknown as Json) } };
    });
    const file = path.join(dir, `check-${k}.json`);
    writeFileSync(file, JSON.stringify({ format: 'losslab-golden/1', cases: [good[0], ...bad.map((b) => b.value), good[1]] }));
    const p = runCli(ctx, ['eval', '--check', file]);
    if (p.timedOut) {
      for (const b of bad) ctx.tally.add('eval --check', b.name, 'hang');
      continue;
    }
    const tail = p.stdout.match(/(\d+) passed, (\d+) failed/);
    for (const g of good) {
      const failedLine = p.stdout.split('\n').find((l) => l.trim().startsWith(`${g.id}:`));
      ctx.tally.add('eval --check', `good case ${g.id}`, tail && !failedLine ? 'correct' : 'lost', failedLine ?? p.stderr.split('\n')[0]);
    }
    for (const b of bad) {
      const line = p.stdout.split('\n').find((l) => l.trim().startsWith(`${b.value.id}:`));
      if (!tail) ctx.tally.add('eval --check', b.name, 'crash', p.stderr.split('\n')[0]);
      else if (!line) ctx.tally.add('eval --check', b.name, 'wrong', 'passed');
      else ctx.tally.add('eval --check', b.name, leak(line) ? 'crash' : 'error', line.trim());
    }
  }
}
