// torch.nn.functional for notebook tensors: every engine op (cross_entropy, kl_div, dpo_loss, …, built by the
// same op definitions as the playground's, so one implementation of each loss) usable on computed tensors
// inside a chain, plus linear, normalize, one_hot, embedding, relu, gelu, silu, logsigmoid, sigmoid, tanh,
// softmax, log_softmax and pad.
import { Graph } from '../engine/graph/graph';
import { OP_DEFINITIONS } from '../engine/ops/registry';
import type { OpDefinition, Options as OpOptions } from '../engine/ops/op';
import type { Tensor as WireTensorLike } from '../protocol/tensor';
import { isFloat, type DType } from './dtype';
import { splitOptions, type Options } from './ops/args';
import { logSoftmax, matmul, softmax } from './ops/linalg';
import { asTensor, tensorFrom, type TensorLike } from './ops/scalar';
import { record, Tensor } from './tensor';

declare module './tensor' {
  interface Tensor {
    /** Extra outputs of the engine op that made this tensor (e.g. chosen_rewards of dpo_loss). */
    extras?: Record<string, Tensor>;
  }
}

const camel = (name: string) => name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** grad_fn names PyTorch prints for the losses whose backward node is not named after the function. */
const GRAD_FN: Record<string, string> = { cross_entropy: 'NllLossBackward0', nll_loss: 'NllLossBackward0' };

const outputShapes = new Map<string, Record<string, { dtype: DType; shape: number[] }>>();

/** The dtype and shape of an op's output (and extras) for these inputs: its graph built once, symbolically. */
function outputsOf(op: OpDefinition, names: string[], tensors: Tensor[], options: OpOptions): Record<string, { dtype: DType; shape: number[] }> {
  const key = JSON.stringify([op.name, names, tensors.map((t) => [t.dtype, t.shape]), options]);
  let out = outputShapes.get(key);
  if (!out) {
    const g = new Graph();
    const built = op.build(g, Object.fromEntries(names.map((n, i) => [n, g.input(n, tensors[i].dtype, tensors[i].shape)])), options);
    out = { output: { dtype: built.output.dtype as DType, shape: [...built.output.shape] } };
    for (const [name, v] of Object.entries(built.extras ?? {})) out[name] = { dtype: v.dtype as DType, shape: [...v.shape] };
    outputShapes.set(key, out);
  }
  return out;
}

/** What the op's value checks see: shapes and dtypes of all, the values of integer tensors (labels, lengths). */
function checkView(t: Tensor): WireTensorLike {
  const data = isFloat(t.dtype) ? ({ length: t.numel() } as unknown as Float32Array) : t.data();
  return { dtype: t.dtype as WireTensorLike['dtype'], shape: t.shape, data: data as WireTensorLike['data'] };
}

function engineOp(op: OpDefinition) {
  const inputNames = Object.keys(op.inputs);
  return (...args: unknown[]): Tensor => {
    const [pos, given] = splitOptions(args);
    const names: string[] = [];
    const tensors: Tensor[] = [];
    inputNames.forEach((name, i) => {
      const v = pos[i] ?? given[name];
      if (v === undefined) throw new TypeError(`${op.name}() missing required argument '${name}'`);
      const kind = op.inputs[name];
      // A plain list for a float argument is taken as float32 (PyTorch would need torch.tensor(..., dtype=float)).
      const t = v instanceof Tensor ? v : tensorFrom(v, kind === 'float' ? 'float32' : undefined);
      if (kind === 'float' && !isFloat(t.dtype)) throw new TypeError(`${op.name}(): expected ${name} to be a floating point tensor, but got dtype ${t.dtype}`);
      if (kind === 'int' && t.dtype !== 'int64') throw new TypeError(`${op.name}(): expected ${name} to be an integer (int64) tensor, but got dtype ${t.dtype}`);
      names.push(name);
      tensors.push(t);
    });
    if (pos.length > inputNames.length) throw new TypeError(`${op.name}() takes ${inputNames.length} positional tensors (${inputNames.join(', ')}) but ${pos.length} were given; pass options as one trailing object`);
    const options: OpOptions = { ...op.defaults };
    for (const [name, value] of Object.entries(given)) {
      if (inputNames.includes(name)) continue;
      if (op.tensorOptions?.includes(name)) {
        if (value === null || value === undefined) continue;
        const t = value instanceof Tensor ? value : tensorFrom(value, 'float32');
        if (!isFloat(t.dtype)) throw new TypeError(`${op.name}(): expected ${name} to be a floating point tensor, but got dtype ${t.dtype}`);
        names.push(name);
        tensors.push(t);
        continue;
      }
      if (!(name in op.defaults)) throw new TypeError(`${op.name}() got an unexpected keyword argument '${name}'; options: ${[...Object.keys(op.defaults), ...(op.tensorOptions ?? [])].join(', ')}`);
      if (value !== null && value !== undefined) options[name] = value as OpOptions[string];
    }
    const dtype = tensors.find((t) => isFloat(t.dtype))?.dtype ?? 'float32';
    const cast = tensors.map((t) => (isFloat(t.dtype) ? t.cast(dtype) : t));
    op.check?.(Object.fromEntries(names.map((n, i) => [n, checkView(cast[i])])), options);
    const shapes = outputsOf(op, names, cast, options);
    const differentiable = op.differentiable !== false;
    const gradFn = differentiable ? GRAD_FN[op.name] ?? `${camel(op.name)}Backward0` : undefined;
    const attrs = (extra?: string) => ({ op: op.name, names, options, ...(extra ? { extra } : {}) });
    const out = record('engine', cast, attrs(), shapes.output.dtype, shapes.output.shape, gradFn);
    const extraNames = Object.keys(shapes).filter((n) => n !== 'output');
    if (extraNames.length) out.extras = Object.fromEntries(extraNames.map((n) => [n, record('engine', cast, attrs(n), shapes[n].dtype, shapes[n].shape, gradFn)]));
    return out;
  };
}

function linear(input: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor {
  const x = asTensor(input);
  const W = asTensor(weight, 'weight');
  const y = matmul(x, W.ndim === 2 ? W.t() : W);
  const out = bias === undefined || bias === null ? y : y.add(asTensor(bias, 'bias'));
  if (out.requires_grad) out.gradFn = bias === undefined || bias === null ? out.gradFn : 'AddmmBackward0';
  return out;
}

function normalize(input: TensorLike, ...args: unknown[]): Tensor {
  const [pos, o] = splitOptions(args);
  const p = (pos[0] ?? o.p ?? 2) as number;
  const dim = (pos[1] ?? o.dim ?? 1) as number;
  const eps = (pos[2] ?? o.eps ?? 1e-12) as number;
  const x = asTensor(input);
  const norm = x.norm(p, dim, { keepdim: true }).clamp_min(eps).expand_as(x);
  const out = x.div(norm);
  return out;
}

function oneHot(input: TensorLike, numClasses = -1): Tensor {
  const t = asTensor(input);
  if (t.dtype !== 'int64') throw new TypeError('one_hot is only applicable to index tensor.');
  const values = Array.from(t.data() as BigInt64Array, Number);
  if (values.some((v) => v < 0)) throw new RangeError('Class values must be non-negative.');
  const C = numClasses === -1 ? Math.max(-1, ...values) + 1 : numClasses;
  if (values.some((v) => v >= C)) throw new RangeError('Class values must be smaller than num_classes.');
  return t.unsqueeze(-1).eq(tensorFrom(Array.from({ length: C }, (_, i) => i))).long();
}

function embedding(input: TensorLike, weight: Tensor, options: { padding_idx?: number } = {}): Tensor {
  const idx = asTensor(input);
  const W = asTensor(weight, 'weight');
  if (idx.dtype !== 'int64') throw new TypeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${idx.dtype} instead (while checking arguments for embedding)`);
  if (W.ndim !== 2) throw new RangeError("'weight' must be 2-D");
  const flat = idx.reshape([-1]);
  const rows = W.index_select(0, flat);
  let out = rows.reshape([...idx.shape, W.shape[1]]);
  if (options.padding_idx !== undefined && options.padding_idx !== null) {
    // The padding row's gradient is zero: it is taken through a stop-gradient there.
    const pad = idx.eq(options.padding_idx < 0 ? options.padding_idx + W.shape[0] : options.padding_idx).unsqueeze(-1);
    out = pad.where(out.detach(), out);
  }
  if (out.requires_grad) out.gradFn = 'EmbeddingBackward0';
  return out;
}

function gelu(input: TensorLike, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const x = asTensor(input);
  if (options.approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return record('gelu', [x], undefined, x.dtype, x.shape, 'GeluBackward0');
}

/** F.pad(input, pad, { mode: 'constant', value }): pad = [left, right] of the last dim, then the one before, … */
function pad(input: TensorLike, pads: number[], ...args: unknown[]): Tensor {
  const [pos, o] = splitOptions(args);
  const mode = (pos[0] ?? o.mode ?? 'constant') as string;
  const value = (pos[1] ?? o.value ?? 0) as number;
  const x = asTensor(input);
  if (mode !== 'constant') throw new RangeError(`pad(): only mode='constant' is supported, got '${mode}'`);
  if (pads.length % 2 !== 0) throw new RangeError('Padding length must be divisible by 2');
  if (pads.length / 2 > x.ndim) throw new RangeError('Padding length too large');
  const n = x.ndim;
  const onnx = new Array(2 * n).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    onnx[n - 1 - k] = pads[2 * k];
    onnx[2 * n - 1 - k] = pads[2 * k + 1];
  }
  const shape = x.shape.map((d, i) => d + onnx[i] + onnx[n + i]);
  if (shape.some((d) => d < 0)) throw new RangeError(`The input size ${x.shape.join(', ')}, plus negative padding ${pads.join(', ')} resulted in a negative output size, which is invalid.`);
  return record('pad', [x], { pads: onnx, value }, x.dtype, shape, 'ConstantPadNdBackward0');
}

const unaryF = (name: 'relu' | 'sigmoid' | 'tanh') => (input: TensorLike) => asTensor(input)[name]();

/** torch.nn.functional. */
export function functional(): Record<string, (...args: never[]) => unknown> {
  const F: Record<string, (...args: never[]) => unknown> = {};
  for (const [name, op] of OP_DEFINITIONS) F[name] = engineOp(op);
  Object.assign(F, {
    linear,
    normalize,
    one_hot: oneHot,
    embedding,
    gelu,
    pad,
    relu: unaryF('relu'),
    sigmoid: unaryF('sigmoid'),
    tanh: unaryF('tanh'),
    silu: (input: TensorLike) => asTensor(input).mul(asTensor(input).sigmoid()),
    logsigmoid: (input: TensorLike) => {
      const x = asTensor(input);
      return record('logsigmoid', [x], undefined, x.dtype, x.shape, 'LogSigmoidBackward0');
    },
    // dim defaults to the last axis (as the engine's softmax op and LLM code use it).
    softmax: (input: TensorLike, ...args: unknown[]) => softmax(asTensor(input), ...(args.length ? args : [-1])),
    log_softmax: (input: TensorLike, ...args: unknown[]) => logSoftmax(asTensor(input), ...(args.length ? args : [-1])),
    cosine_similarity: (a: TensorLike, b: TensorLike, options: Options = {}) => {
      const dim = (options.dim ?? 1) as number;
      const eps = (options.eps ?? 1e-8) as number;
      const x = asTensor(a);
      const y = asTensor(b);
      return x.mul(y).sum(dim).div(x.norm(2, dim).mul(y.norm(2, dim)).clamp_min(eps));
    },
  });
  return F;
}
