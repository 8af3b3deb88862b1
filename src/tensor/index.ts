// The notebook tensor library: `torch`, `F` (torch.nn.functional), `nn`, `optim` as cells use them, PyTorch's
// names, positional order and defaults, keyword arguments as one trailing object:
//   const W = torch.randn(3, 4, { requires_grad: true });
//   const loss = F.cross_entropy(x.matmul(W), y, { label_smoothing: 0.1 });
//   loss.backward(); W.grad            // tensor([[…]])
// Tensors are lazy: each op is recorded (and its shapes checked at once); reading a value (item, tolist,
// printing, backward) compiles what it needs into one ONNX graph, cached by structure, and runs it on ONNX
// Runtime synchronously (a SyncEngine; see backend/syncEngine.ts). `format(value)` prints like PyTorch.
import './ops/elementwise';
import './ops/shape';
import './ops/reduce';
import './ops/indexing';
import './ops/linalg';
import './ops/inplace';
import * as creation from './ops/creation';
import { where } from './ops/elementwise';
import { cat, stack } from './ops/shape';
import { matmul, softmax, logSoftmax } from './ops/linalg';
import { asTensor, type TensorLike } from './ops/scalar';
import { functional } from './functional';
import { clipGradNorm, constructible, EmbeddingModule, LinearModule, Module, Parameter } from './nn';
import { Adam, AdamW, SGD } from './optim';
import { isGradEnabled, noGrad } from './runtime';
import { Tensor } from './tensor';
import { ValuesIndices } from './ops/reduce';
import { formatTensor } from './format';

export { Tensor, ValuesIndices };
export { engineMemory, useEngine } from './runtime';
export { awaitEngine } from './compile';
export { SyncEngine } from './backend/syncEngine';

export const F = functional();

export const nn = {
  Module,
  Linear: constructible(LinearModule),
  Embedding: constructible(EmbeddingModule),
  Parameter,
  functional: F,
  utils: { clip_grad_norm_: clipGradNorm },
};

export const optim = { SGD: constructible(SGD), Adam: constructible(Adam), AdamW: constructible(AdamW) };

const fn = (name: 'exp' | 'log' | 'log1p' | 'sqrt' | 'abs' | 'sigmoid' | 'tanh' | 'relu' | 'neg' | 'sin' | 'cos') => (x: TensorLike) => asTensor(x)[name]();
const method = <K extends keyof Tensor>(name: K) => (x: TensorLike, ...args: unknown[]) => (asTensor(x)[name] as (...a: unknown[]) => unknown)(...args);

export const torch = {
  Tensor,
  tensor: creation.tensor,
  as_tensor: creation.tensor,
  zeros: creation.zeros,
  ones: creation.ones,
  full: creation.fullOf,
  zeros_like: creation.zeros_like,
  ones_like: creation.ones_like,
  full_like: creation.full_like,
  rand_like: creation.rand_like,
  randn_like: creation.randn_like,
  arange: creation.arange,
  linspace: creation.linspace,
  eye: creation.eye,
  rand: creation.rand,
  randn: creation.randn,
  randint: creation.randint,
  randperm: creation.randperm,
  manual_seed: creation.manual_seed,
  triu: creation.triu,
  tril: creation.tril,
  isin: creation.isin,
  cat,
  concat: cat,
  stack,
  where,
  matmul,
  softmax: (x: TensorLike, dim: number) => softmax(asTensor(x), dim),
  log_softmax: (x: TensorLike, dim: number) => logSoftmax(asTensor(x), dim),
  exp: fn('exp'),
  log: fn('log'),
  log1p: fn('log1p'),
  sqrt: fn('sqrt'),
  abs: fn('abs'),
  sigmoid: fn('sigmoid'),
  tanh: fn('tanh'),
  relu: fn('relu'),
  neg: fn('neg'),
  sin: fn('sin'),
  cos: fn('cos'),
  add: method('add'),
  sub: method('sub'),
  mul: method('mul'),
  div: method('div'),
  pow: method('pow'),
  clamp: method('clamp'),
  maximum: method('maximum'),
  minimum: method('minimum'),
  sum: method('sum'),
  mean: method('mean'),
  amax: method('amax'),
  amin: method('amin'),
  logsumexp: method('logsumexp'),
  std: method('std'),
  var: method('var'),
  max: method('max'),
  min: method('min'),
  argmax: method('argmax'),
  argmin: method('argmin'),
  topk: method('topk'),
  gather: method('gather'),
  index_select: method('index_select'),
  narrow: method('narrow'),
  masked_select: method('masked_select'),
  reshape: method('reshape'),
  flatten: method('flatten'),
  transpose: method('transpose'),
  permute: method('permute'),
  unsqueeze: method('unsqueeze'),
  squeeze: method('squeeze'),
  eq: method('eq'),
  ne: method('ne'),
  lt: method('lt'),
  le: method('le'),
  gt: method('gt'),
  ge: method('ge'),
  logical_and: method('logical_and'),
  logical_or: method('logical_or'),
  logical_not: method('logical_not'),
  any: method('any'),
  all: method('all'),
  norm: method('norm'),
  numel: (x: Tensor) => x.numel(),
  is_tensor: (x: unknown) => x instanceof Tensor,
  no_grad: noGrad,
  is_grad_enabled: isGradEnabled,
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  int64: 'int64',
  long: 'int64',
  bool: 'bool',
  nn,
  optim,
};

/** A cell value as text: tensors as PyTorch prints them, other values as JSON-ish text. */
export function format(value: unknown): string {
  if (value instanceof Tensor) return formatTensor(value);
  if (value instanceof ValuesIndices) return `torch.return_types(\nvalues=${formatTensor(value.values)},\nindices=${formatTensor(value.indices)})`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, (_k, v) => (v instanceof Tensor ? v.tolist() : typeof v === 'bigint' ? Number(v) : v));
  } catch {
    return String(value);
  }
}
