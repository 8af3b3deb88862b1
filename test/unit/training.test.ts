// Training on the engine: one step against a float64 JS reference (SGD, momentum, Adam, clipping), token-
// and sequence-level loss normalization of padded character sequences and their accumulation denominators,
// and whole runs through the worker whose loss must fall.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel, type GraphDef } from '../../src/engine/onnx/model';
import { rng } from '../../src/engine/training/data';
import { globalDenominator } from '../../src/engine/training/loss';
import { gradientGraph, stepGraph, type StepSpec } from '../../src/engine/training/step';
import { characters } from '../../src/engine/training/text';
import { DEFAULT_TRAINING, type MetricBatch, type Reduction, type TrainingConfig } from '../../src/protocol/training';
import { startEngine } from '../engineWorker';

const D = 3;
const C = 4;
const X = [0.5, -1, 2, 1.5, 0.25, -0.5, -2, 1, 0.75, 0.1, 0.2, -0.3];
const Y = [2, 0, 3, 1];
const W0 = [0.1, -0.2, 0.3, 0.05, -0.1, 0.2, 0.0, 0.15, 0.25, -0.05, 0.1, -0.3];
const B0 = [0.01, -0.02, 0.03, 0];

/** d(mean CE)/d(W, b) of softmax regression, in float64. */
function reference(rows: number[]): { gW: number[]; gb: number[]; loss: number } {
  const gW = new Array(D * C).fill(0);
  const gb = new Array(C).fill(0);
  let loss = 0;
  for (const n of rows) {
    const z = Array.from({ length: C }, (_, c) => B0[c] + [0, 1, 2].reduce((s, d) => s + X[n * D + d] * W0[d * C + c], 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b);
    loss += Math.log(total) + m - z[Y[n]];
    e.forEach((v, c) => {
      const d = v / total - (c === Y[n] ? 1 : 0);
      gb[c] += d / rows.length;
      for (let k = 0; k < D; k++) gW[k * C + c] += (X[n * D + k] * d) / rows.length;
    });
  }
  return { gW, gb, loss: loss / rows.length };
}

async function step(spec: Partial<StepSpec>, lr: number, rows = [0, 1, 2, 3], state: Record<string, number[]> = {}, t = 1) {
  const s: StepSpec = { model: { kind: 'softmax_regression', inputs: D, classes: C, hidden: 0, embedding: 0, context: 1 }, loss: { labelSmoothing: 0, focalGamma: 0 }, optimizer: 'sgd', momentum: 0.9, clipNorm: 0, batch: rows.length, ...spec };
  const session = await ort.InferenceSession.create(encodeModel(stepGraph(s)), { logSeverityLevel: 3 });
  const f32 = (v: number[], shape: number[]) => new ort.Tensor('float32', Float32Array.from(v), shape);
  const feeds: Record<string, ort.Tensor> = {
    x: f32(rows.flatMap((n) => X.slice(n * D, n * D + D)), [rows.length, D]),
    y: new ort.Tensor('int64', BigInt64Array.from(rows.map((n) => BigInt(Y[n]))), [rows.length]),
    W: f32(W0, [D, C]),
    b: f32(B0, [1, C]),
    lr: f32([lr], []),
    t: f32([t], []),
  };
  for (const [name, v] of Object.entries(state)) feeds[name] = f32(v, name.endsWith('.W') ? [D, C] : [1, C]);
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
}

const close = (a: number[], b: number[], tol = 1e-6) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `[${i}] ${v} vs ${b[i]}`));

describe('training step graph (against float64 JS)', () => {
  it('SGD: W − lr·∂L/∂W with ∂L/∂z = softmax − one-hot, and the loss and grad norm', async () => {
    const ref = reference([0, 1, 2, 3]);
    const out = await step({}, 0.5);
    close(out['new.W'], W0.map((w, i) => w - 0.5 * ref.gW[i]));
    close(out['new.b'], B0.map((b, i) => b - 0.5 * ref.gb[i]));
    close(out.loss, [ref.loss]);
    close(out.grad_norm, [Math.hypot(...ref.gW, ...ref.gb)]);
  });

  it('momentum: v = μ·v + g, p −= lr·v', async () => {
    const ref = reference([0, 1, 2, 3]);
    const v0 = W0.map((_, i) => 0.01 * i);
    const out = await step({ optimizer: 'momentum' }, 0.1, [0, 1, 2, 3], { 'v.W': v0, 'v.b': [0, 0, 0, 0] });
    const v = v0.map((x, i) => 0.9 * x + ref.gW[i]);
    close(out['new.v.W'], v);
    close(out['new.W'], W0.map((w, i) => w - 0.1 * v[i]));
  });

  it('Adam: bias-corrected moments at step t', async () => {
    const ref = reference([0, 1, 2, 3]);
    const t = 3;
    const m0 = W0.map(() => 0.02);
    const v0 = W0.map(() => 0.001);
    const out = await step({ optimizer: 'adam' }, 0.01, [0, 1, 2, 3], { 'm.W': m0, 'v.W': v0, 'm.b': [0, 0, 0, 0], 'v.b': [0, 0, 0, 0] }, t);
    const m = m0.map((x, i) => 0.9 * x + 0.1 * ref.gW[i]);
    const v = v0.map((x, i) => 0.999 * x + 0.001 * ref.gW[i] ** 2);
    const w = W0.map((p, i) => p - (0.01 * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8));
    close(out['new.W'], w, 1e-5);
  });

  it('global-norm clipping scales every gradient by clip / ‖g‖', async () => {
    const ref = reference([0, 1, 2, 3]);
    const norm = Math.hypot(...ref.gW, ...ref.gb);
    const out = await step({ clipNorm: norm / 4 }, 1);
    close(out['new.W'], W0.map((w, i) => w - ref.gW[i] / 4), 1e-5);
    close(out.grad_norm, [norm]); // reported before clipping
  });
});

describe('character sequences for the language model', () => {
  // Vocabulary a…j in text order: the character after id c is (c + 1) mod 10.
  const data = characters('abcdefghij'.repeat(6), 2, 5);

  it('training sequences are consecutive positions of random length, padded with ignore_index', () => {
    const { x, y, xShape, yShape } = data.train.sample(40, rng(3));
    assert.deepEqual([xShape, yShape], [[40, 5, 2], [40, 5]]);
    const lengths = new Set<number>();
    for (let b = 0; b < 40; b++) {
      const row = Array.from(y.subarray(b * 5, b * 5 + 5), Number);
      const length = row.filter((v) => v !== -100).length;
      assert.ok(length >= 1 && row.slice(length).every((v) => v === -100), `row ${b}: ${row} is not a counted prefix then padding`);
      lengths.add(length);
      for (let t = 0; t < length; t++) {
        const [c0, c1] = [Number(x[(b * 5 + t) * 2]), Number(x[(b * 5 + t) * 2 + 1])];
        assert.equal(c1, (c0 + 1) % 10, 'a context window reads consecutive characters');
        assert.equal(row[t], (c1 + 1) % 10, 'each position predicts the character after its context');
        if (t > 0) assert.equal(c0, Number(x[(b * 5 + t - 1) * 2 + 1]), 'positions of a sequence are consecutive');
      }
    }
    assert.ok(lengths.size >= 3, `lengths ${[...lengths]} should vary`);
  });

  it('evaluation reads the held-out tail in chunks of T', () => {
    // 58 positions, the last 5 (53…57) held out: one chunk; position p predicts character p + 2.
    const { y } = data.eval.first(data.eval.count);
    assert.equal(data.eval.count, 1);
    assert.deepEqual(Array.from(y, Number), [5, 6, 7, 8, 9]);
  });
});

// Four sequences of T = 4 positions with 4, 1, 2 and 3 counted (−100: padding), over a vocabulary of 4.
const V = 4;
const T = 4;
const SEQ_X = [[0, 1, 2, 3], [2, 0, 0, 0], [3, 1, 0, 0], [1, 0, 2, 0]];
const SEQ_Y = [[1, 2, 3, 0], [3, -100, -100, -100], [1, 0, -100, -100], [0, 2, 2, -100]];
const TABLE = Array.from({ length: V * V }, (_, i) => Math.sin(1.7 * i) * 1.5);

/** Loss and d loss / d table of the bigram model (logits = table[x]) in float64, straight from the definitions. */
function bigramReference(rows: number[], reduction: Reduction, weights?: number[]) {
  const grad = new Array(V * V).fill(0);
  const w = (c: number) => weights?.[c] ?? 1;
  const perRow = rows.map((b) => {
    const counted = SEQ_Y[b].map((y, t) => [SEQ_X[b][t], y]).filter(([, y]) => y !== -100);
    return counted.map(([x, y]) => {
      const z = TABLE.slice(x * V, x * V + V);
      const total = z.reduce((s, v) => s + Math.exp(v), 0);
      return { x, y, p: z.map((v) => Math.exp(v) / total) };
    });
  });
  const tokenWeight = perRow.flat().reduce((s, { y }) => s + w(y), 0);
  const sequences = perRow.filter((positions) => positions.length > 0).length;
  let loss = 0;
  let nll = 0;
  for (const positions of perRow) {
    const divisor = reduction === 'token' ? tokenWeight : sequences * positions.reduce((s, { y }) => s + w(y), 0);
    for (const { x, y, p } of positions) {
      loss += (-w(y) * Math.log(p[y])) / divisor;
      nll -= Math.log(p[y]);
      p.forEach((pc, c) => (grad[x * V + c] += (w(y) * (pc - (c === y ? 1 : 0))) / divisor));
    }
  }
  return { loss, grad, nll, tokens: perRow.flat().length };
}

async function runGraph(def: GraphDef, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(encodeModel(def), { logSeverityLevel: 3 });
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
}

const ids = (v: number[], shape: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), shape);
const floats = (v: number[], shape: number[]) => new ort.Tensor('float32', Float32Array.from(v), shape);

describe('token- vs sequence-level normalization of a padded batch (engine against float64 JS)', () => {
  const bigram = (reduction: Reduction, classWeights?: number[]): StepSpec => ({
    model: { kind: 'char_bigram', inputs: V, classes: V, hidden: 0, embedding: 0, context: 1 },
    loss: { labelSmoothing: 0, focalGamma: 0, classWeights, reduction },
    optimizer: 'sgd',
    momentum: 0,
    clipNorm: 0,
    batch: 4,
    sequenceLength: T,
  });
  const feeds = () => ({ x: ids(SEQ_X.flat(), [4, T, 1]), y: ids(SEQ_Y.flat(), [4, T]), logits: floats(TABLE, [V, V]), lr: floats([1], []), t: floats([1], []) });

  for (const weights of [undefined, [0.5, 2, 1, 3]]) {
    it(`loss and gradient of each reduction${weights ? ' with class weights' : ''}, and the two differ`, async () => {
      const losses: number[] = [];
      for (const reduction of ['token', 'sequence'] as const) {
        const ref = bigramReference([0, 1, 2, 3], reduction, weights);
        const out = await runGraph(stepGraph(bigram(reduction, weights)), feeds());
        close(out.loss, [ref.loss]);
        close(out['new.logits'].map((p, i) => TABLE[i] - p), ref.grad, 1e-5); // SGD with lr 1: table − gradient
        close(out.nll, [ref.nll]);
        assert.deepEqual(out.tokens, [10]);
        losses.push(out.loss[0]);
      }
      assert.ok(Math.abs(losses[0] - losses[1]) > 0.05, `token ${losses[0]} vs sequence ${losses[1]}: the batch must tell them apart`);
    });
  }

  it('a sequence with no counted position is left out of the sequence mean (as sequence_cross_entropy)', async () => {
    const ref = bigramReference([0, 1, 2, 3], 'sequence');
    const f = { ...feeds(), x: ids([...SEQ_X.flat(), 0, 0, 0, 0], [5, T, 1]), y: ids([...SEQ_Y.flat(), -100, -100, -100, -100], [5, T]) };
    const out = await runGraph(stepGraph({ ...bigram('sequence'), batch: 5 }), f);
    close(out.loss, [ref.loss]);
    assert.equal(globalDenominator(bigram('sequence').loss, [BigInt64Array.from([...SEQ_Y.flat(), -100, -100, -100, -100].map(BigInt))], T), 4);
  });

  // A character MLP, sequences split unevenly by tokens: {0, 2} hold 6 counted positions, {1, 3} hold 4.
  const M = { kind: 'char_mlp' as const, inputs: V, classes: V, hidden: 5, embedding: 3, context: 2 };
  const init = rng(7);
  const params: Record<string, [number[], number[]]> = {
    E: [Array.from({ length: V * 3 }, () => init() * 2 - 1), [V, 3]],
    W1: [Array.from({ length: 6 * 5 }, () => init() - 0.5), [6, 5]],
    b1: [Array.from({ length: 5 }, () => init() * 0.1), [1, 5]],
    W2: [Array.from({ length: 5 * V }, () => init() - 0.5), [5, V]],
    b2: [Array.from({ length: V }, () => init() * 0.1), [1, V]],
  };
  const contexts = (rows: number[]) => rows.flatMap((b) => SEQ_X[b].flatMap((c) => [c, (c + 1) % V]));
  const labels = (rows: number[]) => BigInt64Array.from(rows.flatMap((b) => SEQ_Y[b]).map(BigInt));
  const mlp = (reduction: Reduction, batch: number): StepSpec => ({ model: M, loss: { labelSmoothing: 0.1, focalGamma: 0, reduction }, optimizer: 'sgd', momentum: 0, clipNorm: 0, batch, sequenceLength: T });

  /** Σ over micro-batches of d(loss share)/d params, each micro-batch divided by `denominator`. */
  async function accumulate(reduction: Reduction, micro: number[][], denominator: (rows: number[]) => number): Promise<Record<string, number[]>> {
    const total: Record<string, number[]> = {};
    for (const rows of micro) {
      const f: Record<string, ort.Tensor> = { x: ids(contexts(rows), [rows.length, T, 2]), y: ids(Array.from(labels(rows), Number), [rows.length, T]), denominator: floats([denominator(rows)], []) };
      for (const [name, [v, shape]] of Object.entries(params)) f[name] = floats(v, shape);
      const out = await runGraph(gradientGraph(mlp(reduction, rows.length)), f);
      for (const name of Object.keys(params)) total[name] = out[`grad.${name}`].map((g, i) => g + (total[name]?.[i] ?? 0));
    }
    return total;
  }
  const differs = (a: Record<string, number[]>, b: Record<string, number[]>) => Object.keys(a).some((n) => a[n].some((v, i) => Math.abs(v - b[n][i]) > 1e-4));

  for (const reduction of ['token', 'sequence'] as const) {
    it(`${reduction}: two micro-batches under the global denominator give the gradient of the full batch`, async () => {
      const full = (await runGraph(stepGraph(mlp(reduction, 4)), (() => {
        const f: Record<string, ort.Tensor> = { x: ids(contexts([0, 1, 2, 3]), [4, T, 2]), y: ids(SEQ_Y.flat(), [4, T]), lr: floats([1], []), t: floats([1], []) };
        for (const [name, [v, shape]] of Object.entries(params)) f[name] = floats(v, shape);
        return f;
      })()));
      const global = globalDenominator(mlp(reduction, 2).loss, [labels([0, 2]), labels([1, 3])], T);
      assert.equal(global, reduction === 'token' ? 10 : 4);
      const summed = await accumulate(reduction, [[0, 2], [1, 3]], () => global);
      for (const [name, [v]] of Object.entries(params)) close(summed[name], full[`new.${name}`].map((p, i) => v[i] - p), 1e-5);
      // The wrong denominators give another gradient: the other reduction's, and (token) each micro-batch's own.
      const other = globalDenominator(mlp(reduction === 'token' ? 'sequence' : 'token', 2).loss, [labels([0, 2]), labels([1, 3])], T);
      assert.ok(differs(summed, await accumulate(reduction, [[0, 2], [1, 3]], () => other)));
      if (reduction === 'token') {
        const localMeans = await accumulate(reduction, [[0, 2], [1, 3]], (rows) => 2 * globalDenominator(mlp(reduction, 2).loss, [labels(rows)], T));
        assert.ok(differs(summed, localMeans), 'the mean of per-micro-batch token means must not pass for the global token mean');
      }
    });
  }
});

describe('training runs on the engine worker', () => {
  const engine = startEngine();
  after(() => engine.dispose());

  async function train(config: Partial<TrainingConfig>): Promise<{ batches: MetricBatch[]; series: (name: string) => number[]; stepsPerSecond: number }> {
    const batches: MetricBatch[] = [];
    const run = engine.train({ ...DEFAULT_TRAINING, ...config }, (b) => void batches.push(b));
    const done = await run.done;
    const series = (name: string) => batches.flatMap((b) => b.metrics[name]?.values ?? []);
    return { batches, series, stepsPerSecond: done.stepsPerSecond };
  }

  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

  it('an MLP on two moons: the loss falls and the eval accuracy rises above 85%', async () => {
    const { series, batches } = await train({ steps: 400 });
    const loss = series('loss');
    assert.equal(loss.length, 400);
    assert.ok(mean(loss.slice(-40)) < 0.5 * mean(loss.slice(0, 40)), `loss ${mean(loss.slice(0, 40))} → ${mean(loss.slice(-40))}`);
    assert.ok(series('eval_accuracy').at(-1)! > 0.85, `eval accuracy ${series('eval_accuracy').at(-1)}`);
    assert.ok(batches.length < 400, 'metrics arrive in batches, not one message per step');
  });

  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(40);

  for (const [reduction, gradAccumulation] of [['token', 1], ['sequence', 2]] as const) {
    it(`a character MLP on text sequences (${reduction} loss, ${gradAccumulation} micro-batch${gradAccumulation > 1 ? 'es' : ''}): the loss falls below half the uniform log V`, async () => {
      const { series } = await train({ model: 'char_mlp', dataset: { kind: 'text', text, context: 3, sequenceLength: 8 }, reduction, gradAccumulation, steps: 300, lr: 0.02, batchSize: 16 / gradAccumulation });
      const loss = series('loss');
      assert.ok(loss.at(-1)! < Math.log(28) / 2, `final loss ${loss.at(-1)}`);
      assert.ok(series('eval_loss').at(-1)! < Math.log(28) / 2, `final eval loss ${series('eval_loss').at(-1)}`);
    });
  }

  it('a classifier is the same under both reductions (each example is a one-token sequence)', async () => {
    const token = await train({ steps: 30 });
    const sequence = await train({ steps: 30, reduction: 'sequence' });
    close(sequence.series('loss'), token.series('loss'));
  });

  it('refuses an unknown reduction', async () => {
    await assert.rejects(train({ reduction: 'mean' as Reduction }), /reduction must be 'token' or 'sequence', got "mean"/);
  });

  it('stops on request between steps', async () => {
    const run = engine.train({ ...DEFAULT_TRAINING, steps: 1_000_000 }, () => undefined);
    setTimeout(() => run.stop(), 300);
    assert.equal((await run.done).reason, 'stopped');
  });

  it('computes no batch beyond the one in progress until the consumer has taken those sent, and a stop ends a run that waits', async function () {
    this.timeout(20_000);
    const batches: MetricBatch[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const run = engine.train({ ...DEFAULT_TRAINING, steps: 1_000_000 }, (b) => (batches.push(b), batches.length === 1 ? held : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(batches.length, 1, 'the first batch is not taken yet: the run waits');
    release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(batches.length > 3, `taken: the run goes on (${batches.length} batches)`);
    run.stop();
    assert.equal((await run.done).reason, 'stopped');
    const waiting = engine.train({ ...DEFAULT_TRAINING, steps: 1_000_000 }, () => new Promise<void>(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    waiting.stop();
    assert.equal((await waiting.done).reason, 'stopped');
  });

  for (const preset of [{ name: 'an MLP on two moons', config: {} }, { name: 'a character MLP with 2 micro-batches', config: { model: 'char_mlp', dataset: { kind: 'text', text, context: 3, sequenceLength: 8 }, gradAccumulation: 2, batchSize: 8 } }] as const) {
    it(`takes a stop into account within one metrics batch (${preset.name})`, async () => {
      const batches: MetricBatch[] = [];
      let stoppedAt: number | undefined;
      let stoppedAfterBatches = 0;
      const run = engine.train({ ...DEFAULT_TRAINING, ...(preset.config as Partial<TrainingConfig>), steps: 1_000_000 }, (b) => {
        batches.push(b);
        if (batches.length === 5) {
          stoppedAt = b.steps.at(-1);
          stoppedAfterBatches = batches.length;
          run.stop();
        }
      });
      const done = await run.done;
      assert.equal(done.reason, 'stopped');
      const perBatch = Math.max(...batches.slice(0, stoppedAfterBatches).map((b) => b.steps.length));
      const after = batches.slice(stoppedAfterBatches).reduce((n, b) => n + b.steps.length, 0);
      assert.ok(after <= perBatch, `${after} steps after the stop at step ${stoppedAt} (a batch holds up to ${perBatch})`);
    });
  }

  it('refuses a model that does not fit the data, and keeps serving', async () => {
    await assert.rejects(train({ model: 'char_bigram' }), /model char_bigram cannot train on toy2d data/);
    const ok = await engine.evaluate({ op: 'softmax', inputs: { input: { dtype: 'float32', shape: [2], data: Float32Array.from([0, 0]) } } });
    assert.deepEqual([...(ok.output.data as Float32Array)], [0.5, 0.5]);
  });
});
