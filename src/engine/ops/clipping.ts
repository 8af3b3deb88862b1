// Gradient clipping as torch.nn.utils does it, on the whole gradient (every parameter's gradient flattened into
// `grads`, in any shape). clip_grad_norm_: total_norm = ‖grads‖_p, clip_coef = max_norm / (total_norm + 1e-6)
// clamped to at most 1, grads · clip_coef: the direction is kept. clip_grad_value_: each element clamped to
// [−clip_value, clip_value]: the direction changes once one element hits the bound.
import { abs, add, clamp, div, equal, mul, pow, sqrt } from '../graph/math';
import type { Value } from '../graph/graph';
import { maxDetached, sum } from '../graph/nn';
import { cast, reshape } from '../graph/shape';
import { fail, knownValues, type OpDefinition, type Options } from './op';

/** PyTorch's own message when a required argument is missing (these have no default there). */
function required(op: string, options: Options, name: string): number {
  const v = options[name] as number;
  if (Number.isNaN(v)) fail(`${op}() missing 1 required positional argument: '${name}'`);
  return v;
}

/** How PyTorch prints a float norm_type in its messages: 2.0, 1.0, inf. */
const floatText = (v: number) => (v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Number.isInteger(v) ? v.toFixed(1) : String(v));

/** ‖g‖_p over every element; p = ∞ is max |g| (its gradient shared among ties, as torch.amax does). */
function totalNorm(g: Value, p: number): Value {
  const flat = reshape(g, [1, g.size]);
  const a = abs(flat);
  if (p === Infinity) {
    const top = maxDetached(a, 1, true);
    const at = cast(equal(a, top), g.dtype);
    return reshape(div(sum(mul(a, at), [1]), sum(at, [1])), []);
  }
  if (p === 2) return reshape(sqrt(sum(mul(flat, flat), [1])), []);
  if (p === 1) return reshape(sum(a, [1]), []);
  return reshape(pow(sum(pow(a, p), [1]), 1 / p), []);
}

function jsNorm(values: ArrayLike<number>, p: number): number {
  const a = Array.from(values, Math.abs);
  if (p === Infinity) return Math.max(...a);
  return a.reduce((s, v) => s + v ** p, 0) ** (1 / p);
}

/** PyTorch's message when error_if_nonfinite is set and the total norm is inf or nan. */
export function nonfiniteNormMessage(normType: number): string {
  return `The total norm of order ${floatText(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``;
}

export const clipGradNorm: OpDefinition = {
  name: 'clip_grad_norm_',
  inputs: { grads: 'float' },
  defaults: { max_norm: NaN, norm_type: 2, error_if_nonfinite: false },
  check({ grads }, options) {
    required('clip_grad_norm_', options, 'max_norm');
    const p = options.norm_type as number;
    if (!(p > 0)) fail(`clip_grad_norm_(): norm_type must be positive (1.0, 2.0, … or inf), got ${floatText(p)}`);
    const values = knownValues(grads);
    if (options.error_if_nonfinite === true && values && !Number.isFinite(jsNorm(values, p))) fail(nonfiniteNormMessage(p));
  },
  build(_g, { grads }, options) {
    const norm = totalNorm(grads, options.norm_type as number);
    const coef = clamp(div(options.max_norm as number, add(norm, 1e-6)), undefined, 1);
    return { output: mul(grads, coef), extras: { total_norm: norm, clip_coef: coef } };
  },
};

export const clipGradValue: OpDefinition = {
  name: 'clip_grad_value_',
  inputs: { grads: 'float' },
  defaults: { clip_value: NaN },
  check(_inputs, options) {
    const c = required('clip_grad_value_', options, 'clip_value');
    if (!(c >= 0)) fail(`clip_grad_value_(): clip_value must be non-negative, got ${floatText(c)}`);
  },
  build(_g, { grads }, options) {
    const c = options.clip_value as number;
    return { output: clamp(grads, -c, c) };
  },
};
