// One optimizer step as ONNX graphs: forward, loss, gradients (autodiff), global-norm clipping and the
// optimizer update, with metrics. Parameters and optimizer state go in and come out, fed back next step.
// A step of one batch is one graph; a step over micro-batches runs the gradient graph on each (divided by
// the denominator of all of them), adds the gradients up and runs the update graph once.
import type { OptimizerKind } from '../../protocol/training';
import { Graph, type Value } from '../graph/graph';
import { add, div, exp, minimum, mul, sqrt, sub } from '../graph/math';
import { sum } from '../graph/nn';
import { reshape } from '../graph/shape';
import { objective, type LossSpec, type Objective } from './loss';
import { forward, paramSpecs, takesTokens, type ModelShape } from './model';

export interface StepSpec {
  model: ModelShape;
  loss: LossSpec;
  optimizer: OptimizerKind;
  momentum: number;
  clipNorm: number;
  /** Examples, or sequences of token models, per graph run (one micro-batch). */
  batch: number;
  /** Positions per sequence of token models: x [batch, T, context], y [batch, T]. 1 when omitted. */
  sequenceLength?: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Optimizer state tensors per parameter. */
export function stateNames(optimizer: OptimizerKind): string[] {
  return optimizer === 'adam' ? ['m', 'v'] : optimizer === 'momentum' ? ['v'] : [];
}

/** x [B, D] floats and y [B] for classifiers; x [B, T, context] and y [B, T] token ids for character models. */
function inputsOf(g: Graph, spec: StepSpec) {
  const m = spec.model;
  const tokens = takesTokens(m.kind);
  const T = spec.sequenceLength ?? 1;
  const width = m.kind === 'char_bigram' ? 1 : m.context;
  const x = tokens ? g.input('x', 'int64', [spec.batch, T, width]) : g.input('x', 'float32', [spec.batch, m.inputs]);
  const y = tokens ? g.input('y', 'int64', [spec.batch, T]) : g.input('y', 'int64', [spec.batch]);
  const params: Record<string, Value> = {};
  for (const p of paramSpecs(m)) params[p.name] = g.input(p.name, 'float32', p.shape);
  const logits = forward(g, m, tokens ? reshape(x, [spec.batch * T, width]) : x, params);
  return { y, params, logits, masked: tokens };
}

function outputMetrics(g: Graph, o: Objective): void {
  g.output('loss', o.loss);
  g.output('nll', o.nll);
  g.output('tokens', o.tokens);
  g.output('correct', o.top1);
  g.output('top5', o.top5);
}

/** Forward-only graph for evaluation: the metric outputs of `stepGraph`. */
export function evalGraph(spec: StepSpec) {
  const g = new Graph();
  const { y, logits, masked } = inputsOf(g, spec);
  outputMetrics(g, objective(g, logits, y, spec.loss, masked));
  return g.toGraphDef('eval');
}

/** Clips the gradients by their global norm and applies the optimizer: outputs `new.*` and grad_norm. */
function update(g: Graph, spec: StepSpec, params: Record<string, Value>, grads: Value[]): void {
  const lr = g.input('lr', 'float32', []);
  const t = g.input('t', 'float32', []);
  const norm = sqrt(grads.map((gr) => sum(mul(gr, gr))).reduce((a, b) => add(a, b)));
  const scale = spec.clipNorm > 0 ? minimum(div(g.scalar(spec.clipNorm, 'float32'), add(norm, 1e-6)), 1) : undefined;
  Object.keys(params).forEach((name, i) => {
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
  g.output('grad_norm', norm);
}

/**
 * The training step graph of one batch. Inputs x, y, the parameters, lr, t (1-based step, for Adam) and state
 * `<state>.<param>`; outputs `new.<param>`, `new.<state>.<param>`, loss, grad_norm (before clipping), and nll,
 * tokens, correct and top5 summed over the counted positions.
 */
export function stepGraph(spec: StepSpec) {
  const g = new Graph();
  const { y, params, logits, masked } = inputsOf(g, spec);
  const o = objective(g, logits, y, spec.loss, masked);
  update(g, spec, params, g.gradients(o.loss, Object.values(params)));
  outputMetrics(g, o);
  return g.toGraphDef('train_step');
}

/**
 * One micro-batch: inputs x, y, the parameters and `denominator` (see `globalDenominator`); outputs
 * `grad.<param>` and this micro-batch's share of the step's loss, with the metric sums of `stepGraph`.
 */
export function gradientGraph(spec: StepSpec) {
  const g = new Graph();
  const { y, params, logits, masked } = inputsOf(g, spec);
  const o = objective(g, logits, y, spec.loss, masked, g.input('denominator', 'float32', []));
  const grads = g.gradients(o.loss, Object.values(params));
  Object.keys(params).forEach((name, i) => g.output(`grad.${name}`, grads[i]));
  outputMetrics(g, o);
  return g.toGraphDef('train_gradient');
}

/** The update of a step from accumulated gradients: inputs `grad.<param>` and those of `stepGraph` but x, y. */
export function updateGraph(spec: StepSpec) {
  const g = new Graph();
  const params: Record<string, Value> = {};
  for (const p of paramSpecs(spec.model)) params[p.name] = g.input(p.name, 'float32', p.shape);
  update(g, spec, params, paramSpecs(spec.model).map((p) => g.input(`grad.${p.name}`, 'float32', p.shape)));
  return g.toGraphDef('train_update');
}
