// `losslab eval` and the engine on bad input: one bad case costs only itself, nothing is coerced or wrapped,
// non-finite values are printed and flagged, PyTorch's answers for odd but valid input, memory refused early.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { JsonStream } from '../../src/cli/jsonStream';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const f32 = (shape: number[], values: number[]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const i64 = (shape: number[], values: number[]): Tensor => ({ dtype: 'int64', shape, data: BigInt64Array.from(values.map(BigInt)) });
const T = (dtype: string, shape: number[], data: unknown[]) => ({ dtype, shape, data });
const goodCe = (id: string) => ({ id, op: 'cross_entropy', inputs: { input: T('float32', [1, 2], [0, 0]), target: T('int64', [1], [1]) }, expected: { output: T('float64', [], [Math.LN2]) } });

let dir: string;
function evalCli(cases: unknown[], check = false): { status: number | null; stdout: string; stderr: string; results: Record<string, unknown>[] } {
  const file = path.join(dir, `cases-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, `{"format": "losslab-golden/1", "cases": [${cases.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join(',')}]}`);
  const p = spawnSync(process.execPath, [CLI, 'eval', ...(check ? ['--check'] : []), file], { encoding: 'utf8' });
  let results: Record<string, unknown>[] = [];
  if (!check) results = (JSON.parse(p.stdout) as { results: Record<string, unknown>[] }).results;
  return { status: p.status, stdout: p.stdout, stderr: p.stderr, results };
}

describe('losslab eval: bad input', () => {
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-eval-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a null case, a case that is a number and one without op each give one error entry; the good cases still run', () => {
    const { results, status } = evalCli([goodCe('a'), 'null', '42', { id: 'no-op', inputs: {} }, goodCe('b')]);
    assert.equal(status, 0);
    assert.equal(results.length, 5);
    assert.deepEqual(results.map((r) => r.id), ['a', 'case 2', 'case 3', 'no-op', 'b']);
    assert.match(String(results[1].error), /a case must be an object.*null/);
    assert.match(String(results[3].error), /"op" must be the name of an op/);
    for (const r of [results[0], results[4]]) assert.ok(Math.abs(Number((r.output as { data: number[] }).data[0]) - Math.LN2) < 1e-6);
  });

  it('tensor data is never coerced: null, "1.5", [x], "abc", true are refused naming the tensor, place and value', () => {
    for (const bad of [null, '1.5', [0.5], 'abc', true]) {
      const c = { id: 'x', op: 'mse_loss', inputs: { input: T('float32', [2], [1, bad]), target: T('float32', [2], [0, 0]) } };
      const [r] = evalCli([c]).results;
      assert.equal(r.error, `input: data[1] must be a number (or "NaN", "Infinity", "-Infinity"), got ${JSON.stringify(bad)}`);
    }
  });

  it('int64 values beyond ±2^53 are refused, not wrapped modulo 2^64 (label 2^64 is not class 0)', () => {
    const ce = (target: number, options = {}) => ({ id: 'x', op: 'cross_entropy', inputs: { input: T('float32', [1, 2], [0, 1]), target: T('int64', [1], [target]) }, options });
    const [wrap, big, ignore] = evalCli([ce(2 ** 64), ce(1e19), ce(0, { ignore_index: 2 ** 64 })]).results;
    assert.match(String(wrap.error), /target: value 18446744073709551616 at data\[0\] is out of range/);
    assert.match(String(big.error), /value 10000000000000000000 at data\[0\]/);
    assert.match(String(ignore.error), /argument 'ignore_index' must be an int/);
  });

  it('options and inputs named __proto__ are refused as unexpected, not dropped', () => {
    const c = goodCe('p');
    const [opt, inp] = evalCli([
      `{"id": "o", "op": "cross_entropy", "inputs": ${JSON.stringify(c.inputs)}, "options": {"__proto__": {"reduction": "sum"}}}`,
      `{"id": "i", "op": "cross_entropy", "inputs": {"input": ${JSON.stringify(c.inputs.input)}, "target": ${JSON.stringify(c.inputs.target)}, "__proto__": ${JSON.stringify(c.inputs.input)}}}`,
    ]).results;
    assert.match(String(opt.error), /unexpected keyword argument '__proto__'/);
    assert.match(String(inp.error), /unexpected input '__proto__'/);
  });

  it('zero_infinity: "false" is refused (a string is not a bool), as PyTorch would', () => {
    const ctc = { id: 'c', op: 'ctc_loss', inputs: { log_probs: T('float32', [1, 1, 2], [-1, -1]), targets: T('int64', [1, 1], [1]), input_lengths: T('int64', [1], [1]), target_lengths: T('int64', [1], [1]) }, options: { zero_infinity: 'false' } };
    assert.equal(evalCli([ctc]).results[0].error, `ctc_loss(): argument 'zero_infinity' must be a bool, not str "false"`);
  });

  it('NaN, +Inf and -Inf are printed distinguishably and the non-finite inputs are named', () => {
    const c = { id: 'n', op: 'mse_loss', inputs: { input: T('float32', [3], ['NaN', 'Infinity', '-Infinity']), target: T('float32', [3], [0, 0, 0]) }, options: { reduction: 'none' } };
    const [r] = evalCli([c]).results;
    assert.deepEqual((r.output as { data: unknown[] }).data, ['NaN', 'Infinity', 'Infinity']);
    assert.deepEqual(r.nonFinite, ['input']);
  });

  it('--check: an expected that is empty, lacks data or holds fewer values than its shape fails that case only', () => {
    const good = goodCe('good');
    const bad = (id: string, expected: unknown) => ({ ...goodCe(id), expected });
    const p = evalCli([good, bad('empty', {}), bad('nodata', { output: { dtype: 'float64', shape: [] } }), bad('short', { output: T('float64', [2], [1]) }), goodCe('good2')], true);
    assert.equal(p.status, 1);
    assert.match(p.stdout, /empty: expected output must be a tensor/);
    assert.match(p.stdout, /nodata: expected output: "data" must be a list of numbers/);
    assert.match(p.stdout, /short: expected output: shape \[2\] needs 2 values, got 1/);
    assert.match(p.stdout, /2 passed, 3 failed/);
  });

  it('a missing file and a folder are named in the message', () => {
    const missing = spawnSync(process.execPath, [CLI, 'eval', path.join(dir, 'nope.json')], { encoding: 'utf8' });
    assert.match(missing.stderr, /cannot read .*nope\.json: no such file/);
    const folder = spawnSync(process.execPath, [CLI, 'eval', dir], { encoding: 'utf8' });
    assert.match(folder.stderr, /is a folder, not a file/);
    assert.doesNotMatch(folder.stderr + missing.stderr, /EISDIR|ENOENT/);
  });

  it('results stream out in slices: a long tensor never becomes one string', async () => {
    const sink = new PassThrough();
    const chunks: string[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c.toString()));
    const data = Array.from({ length: 100_000 }, (_, i) => (i === 7 ? NaN : i));
    await new JsonStream(sink).value({ id: 'big', output: { shape: [data.length], data } });
    assert.ok(chunks.length > 5 && Math.max(...chunks.map((c) => c.length)) < 200_000);
    const back = JSON.parse(chunks.join('')) as { output: { data: unknown[] } };
    assert.equal(back.output.data.length, 100_000);
    assert.equal(back.output.data[7], 'NaN');
  });
});

describe('engine: PyTorch answers for odd input, memory refused early', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine({ memoryBudgetBytes: 2 ** 30 })));
  after(() => engine.dispose());

  it('a NaN or +Inf in CTC log_probs gives a NaN/Inf loss, not 0, and is flagged', async () => {
    for (const bad of [NaN, Infinity]) {
      const r = await engine.evaluate({ op: 'ctc_loss', inputs: { log_probs: f32([2, 1, 3], [-1, bad, -1, -1, -1, -1]), targets: i64([1, 1], [1]), input_lengths: i64([1], [2]), target_lengths: i64([1], [1]) } });
      assert.ok(!Number.isFinite(r.output.data[0] as number), `loss ${r.output.data[0]}`);
      assert.deepEqual(r.nonFinite, ['log_probs']);
    }
  });

  it('info_nce of an all-zero row is finite, as with F.normalize (eps 1e-12): that row scores log B', async () => {
    const B = 3;
    const r = await engine.evaluate({ op: 'info_nce', inputs: { query: f32([B, 2], [0, 0, 1, 0, 0, 1]), key: f32([B, 2], [1, 0, 1, 0, 0, 1]) }, options: { temperature: 1 } });
    // Row 0: all logits 0 → log B. Row 1: cosines [1, 1, 0] → −log(e/(2e+1)). Row 2: [0, 0, 1] → −log(e/(e+2)).
    const e = Math.E;
    const want = (Math.log(B) - Math.log(e / (2 * e + 1)) - Math.log(e / (e + 2))) / B;
    assert.ok(Math.abs((r.output.data[0] as number) - want) < 1e-5, `${r.output.data[0]} vs ${want}`);
    assert.ok([...(r.grad.query.data as Float32Array)].every(Number.isFinite));
  });

  it('probability targets that do not sum to 1 or are negative: computed as PyTorch does, with a warning', async () => {
    const ce = await engine.evaluate({ op: 'cross_entropy', inputs: { input: f32([1, 2], [0, 0]), target: f32([1, 2], [1, 1]) } });
    assert.ok(Math.abs((ce.output.data[0] as number) - 2 * Math.LN2) < 1e-6); // −Σ t log p = 2 log 2
    assert.match(ce.warnings?.[0] ?? '', /cross_entropy\(\): target is not a probability distribution along dim 1: a row sums to 2/);
    const kl = await engine.evaluate({ op: 'kl_div', inputs: { input: f32([2], [-1, -1]), target: f32([2], [-0.5, 1.5]) } });
    assert.match(kl.warnings?.join('\n') ?? '', /negative probability \(-0.5/);
    const h = await engine.evaluate({ op: 'entropy', inputs: { input: f32([1, 2], [0.5, 0.5]) } });
    assert.deepEqual(h.warnings, []);
    const kd = await engine.evaluate({ op: 'kl_divergence', inputs: { p: f32([1, 2], [0.5, 0.6]), q: f32([1, 2], [0.5, 0.5]) } });
    assert.match(kd.warnings?.[0] ?? '', /kl_divergence\(\): p is not a probability distribution/);
  });

  it('empty tensors as in PyTorch: mean over nothing is NaN, sum is 0, none is empty', async () => {
    const ce = (reduction: string) => engine.evaluate({ op: 'cross_entropy', inputs: { input: f32([0, 3], []), target: i64([0], []) }, options: { reduction } });
    assert.ok(Number.isNaN((await ce('mean')).output.data[0]));
    assert.equal((await ce('sum')).output.data[0], 0);
    assert.deepEqual((await ce('none')).output.shape, [0]);
    const mse = await engine.evaluate({ op: 'mse_loss', inputs: { input: f32([0], []), target: f32([0], []) } });
    assert.ok(Number.isNaN(mse.output.data[0]));
  });

  it('an empty info_nce batch is refused in words, no ONNX Runtime node names', async () => {
    await assert.rejects(engine.evaluate({ op: 'info_nce', inputs: { query: f32([0, 2], []), key: f32([0, 2], []) } }), /info_nce\(\): query and key need at least one row/);
  });

  it("memory: info_nce's [N, N] intermediate and CTC's unrolled T count, refused before running", async () => {
    const N = 23_170;
    const started = Date.now();
    await assert.rejects(engine.evaluate({ op: 'info_nce', inputs: { query: f32([N, 1], new Array(N).fill(1)), key: f32([N, 1], new Array(N).fill(1)) } }), /info_nce\(\): this call needs about \d+\.\d GiB \(its largest intermediate holds 536848900 elements\) with gradients, more than the 1\.0 GiB/);
    assert.ok(Date.now() - started < 5000);
    const T2 = 5000;
    await assert.rejects(engine.evaluate({ op: 'ctc_loss', inputs: { log_probs: f32([T2, 1, 2], new Array(T2 * 2).fill(-1)), targets: i64([1, 1], [1]), input_lengths: i64([1], [T2]), target_lengths: i64([1], [1]) } }), /ctc_loss\(\): log_probs has 5000 time steps; this engine unrolls the forward algorithm over at most 4096/);
  });
});
