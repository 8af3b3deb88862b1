// One optimizer step as one ONNX graph: forward, loss, gradients (autodiff), global-norm clipping and the
// optimizer update, with metrics. Parameters and optimizer state go in and come out, fed back next step.
import type { OptimizerKind } from '../../protocol/training';
import { Graph, type Value } from '../graph/graph';
import { add, div, exp, greater, less, minimum, mul, neg, pow, sqrt, sub } from '../graph/math';
import { gather, logSoftmax, sum } from '../graph/nn';
import { cast, reshape } from '../graph/shape';
import { forward, paramSpecs, takesTokens, type ModelShape } from './model';

export interface LossSpec {
  labelSmoothing: number;
  focalGamma: number;
  /** One weight per class, or undefined. */
  classWeights?: number[];
}

export interface StepSpec {
  model: ModelShape;
  loss: LossSpec;
  optimizer: OptimizerKind;
  momentum: number;
  clipNorm: number;
  /** Examples per step (all micro-batches together). */
  batch: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Optimizer state tensors per parameter. */
export function stateNames(optimizer: OptimizerKind): string[] {
  return optimizer === 'adam' ? ['m', 'v'] : optimizer === 'momentum' ? ['v'] : [];
}

/**
 * Weighted mean cross-entropy with label smoothing and focal modulation:
 * Σ_i w_{y_i}·[(1−ε)·(1−p_{y_i})^γ·(−log p_{y_i}) + (ε/C)·Σ_c w_c·(−log p_c)/w_{y_i}] / Σ_i w_{y_i}.
 */
function loss(g: Graph, logits: Value, y: Value, spec: LossSpec): { loss: Value; logProbs: Value } {
  const [B, C] = logits.shape;
  const lp = logSoftmax(logits, 1);
  const lpY = reshape(gather(lp, reshape(y, [B, 1]), 1), [B]);
  let nll = neg(lpY);
  if (spec.focalGamma > 0) nll = mul(nll, pow(sub(1, exp(lpY)), spec.focalGamma));
  const w = spec.classWeights ? g.constant(Float32Array.from(spec.classWeights), 'float32', [C]) : undefined;
  const rowWeight = w ? gather(w, y, 0) : undefined;
  let rows = rowWeight ? mul(nll, rowWeight) : nll;
  if (spec.labelSmoothing > 0) {
    const smooth = neg(sum(w ? mul(lp, reshape(w, [1, C])) : lp, [1]));
    rows = add(mul(rows, 1 - spec.labelSmoothing), mul(smooth, spec.labelSmoothing / C));
  }
  const denominator = rowWeight ? sum(rowWeight) : g.scalar(B, 'float32');
  return { loss: div(sum(rows), denominator), logProbs: lp };
}

/**
 * Top-1 and top-k hits summed over the batch, from each target's rank (classes scoring strictly above it):
 * one comparison pass instead of an ArgMax and a TopK.
 */
function hits(logits: Value, y: Value, k: number): { top1: Value; topK: Value } {
  const [B] = logits.shape;
  const targetLogit = gather(logits, reshape(y, [B, 1]), 1);
  const rank = sum(cast(greater(logits, targetLogit), 'float32'), [1]);
  return { top1: sum(cast(less(rank, 1), 'float32')), topK: sum(cast(less(rank, k), 'float32')) };
}

function inputsOf(g: Graph, spec: StepSpec) {
  const m = spec.model;
  const x = takesTokens(m.kind) ? g.input('x', 'int64', [spec.batch, m.kind === 'char_bigram' ? 1 : m.context]) : g.input('x', 'float32', [spec.batch, m.inputs]);
  const y = g.input('y', 'int64', [spec.batch]);
  const params: Record<string, Value> = {};
  for (const p of paramSpecs(m)) params[p.name] = g.input(p.name, 'float32', p.shape);
  return { x, y, params };
}

/** Forward-only graph for evaluation: outputs `loss` and `correct` (top-1 hits). */
export function evalGraph(spec: StepSpec) {
  const g = new Graph();
  const { x, y, params } = inputsOf(g, spec);
  const logits = forward(g, spec.model, x, params);
  g.output('loss', loss(g, logits, y, spec.loss).loss);
  g.output('correct', hits(logits, y, 1).top1);
  return g.toGraphDef('eval');
}

/**
 * The training step graph. Extra inputs: lr, t (1-based step, for Adam), state `<state>.<param>`; outputs
 * `new.<param>` and `new.<state>.<param>`, loss, grad_norm (before clipping), correct and top5 hit counts.
 */
export function stepGraph(spec: StepSpec) {
  const g = new Graph();
  const { x, y, params } = inputsOf(g, spec);
  const lr = g.input('lr', 'float32', []);
  const t = g.input('t', 'float32', []);
  const logits = forward(g, spec.model, x, params);
  const { loss: l } = loss(g, logits, y, spec.loss);
  const names = Object.keys(params);
  const grads = g.gradients(l, names.map((n) => params[n]));
  const sq = grads.map((gr) => sum(mul(gr, gr))).reduce((a, b) => add(a, b));
  const norm = sqrt(sq);
  const scale = spec.clipNorm > 0 ? minimum(div(g.scalar(spec.clipNorm, 'float32'), add(norm, 1e-6)), 1) : undefined;
  names.forEach((name, i) => {
    const p = params[name];
    const gr = scale ? mul(grads[i], scale) : grads[i];
    if (spec.optimizer === 'sgd') {
      g.output(`new.${name}`, sub(p, mul(gr, lr)));
    } else if (spec.optimizer === 'momentum') {
      const v = add(mul(g.input(`v.${name}`, 'float32', p.shape), spec.momentum), gr);
      g.output(`new.v.${name}`, v);
      g.output(`new.${name}`, sub(p, mul(v, lr)));
    } else {
      const m = add(mul(g.input(`m.${name}`, 'float32', p.shape), BETA1), mul(gr, 1 - BETA1));
      const v = add(mul(g.input(`v.${name}`, 'float32', p.shape), BETA2), mul(mul(gr, gr), 1 - BETA2));
      const mHat = div(m, sub(1, exp(mul(t, Math.log(BETA1)))));
      const vHat = div(v, sub(1, exp(mul(t, Math.log(BETA2)))));
      g.output(`new.m.${name}`, m);
      g.output(`new.v.${name}`, v);
      g.output(`new.${name}`, sub(p, mul(div(mHat, add(sqrt(vHat), EPS)), lr)));
    }
  });
  g.output('loss', l);
  g.output('grad_norm', norm);
  const { top1, topK } = hits(logits, y, 5);
  g.output('correct', top1);
  g.output('top5', topK);
  return g.toGraphDef('train_step');
}
