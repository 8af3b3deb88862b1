// torch.nn for notebook tensors: Module (callable: `lin(x)`), Linear and Embedding with PyTorch's default
// initializations, clip_grad_norm_. Constructors work with or without `new`.
import { fromData, Tensor } from './tensor';
import { uniformValues } from './ops/creation';
import { asTensor } from './ops/scalar';
import { nonfiniteNormMessage } from '../engine/ops/clipping';
import { splitOptions } from './ops/args';
import { cat } from './ops/shape';
import { noGrad } from './runtime';
import { functional } from './functional';

const F = functional() as unknown as {
  linear(x: Tensor, w: Tensor, b?: Tensor): Tensor;
  embedding(x: Tensor, w: Tensor, o?: object): Tensor;
  clip_grad_norm_(grads: Tensor, o: object): Tensor;
};

/** A parameter: a leaf tensor that requires grad. */
export function Parameter(data: Tensor, requiresGrad = true): Tensor {
  const t = data.detach();
  return requiresGrad ? t.requires_grad_() : t;
}

function uniform(shape: number[], bound: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  // U(−bound, bound): the draws are scaled on the engine, like every other number.
  return fromData('float32', shape, uniformValues(n)).mul(2 * bound).sub(bound);
}

function normal(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const u1 = fromData('float32', shape, uniformValues(n));
  const u2 = fromData('float32', shape, uniformValues(n));
  return u1.rsub(1).log().mul(-2).sqrt().mul(u2.mul(2 * Math.PI).cos());
}

/** Modules are callable: `lin(x)` is `lin.forward(x)`. */
export interface Module {
  (...args: unknown[]): Tensor;
}

/** Base of every module: `module(x)` calls forward(x); parameters() lists the parameters it owns. */
export class Module {
  declare training: boolean;

  constructor() {
    // A module is a function (so `lin(x)` works) whose prototype is this class's; subclasses' fields land on it.
    const call = (...args: unknown[]) => (call as unknown as Module).forward(...args);
    Object.setPrototypeOf(call, new.target.prototype);
    (call as unknown as Module).training = true;
    return call as unknown as Module;
  }

  forward(..._args: unknown[]): Tensor {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  parameters(): Tensor[] {
    const out: Tensor[] = [];
    for (const v of Object.values(this)) {
      if (v instanceof Tensor && v.requires_grad && v.is_leaf) out.push(v);
      else if (v instanceof Module) out.push(...v.parameters());
    }
    return out;
  }

  named_parameters(): [string, Tensor][] {
    return Object.entries(this).filter(([, v]) => v instanceof Tensor && v.requires_grad && v.is_leaf) as [string, Tensor][];
  }

  zero_grad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  train(mode = true): this {
    this.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }
}

export class LinearModule extends Module {
  weight!: Tensor;
  bias!: Tensor | null;

  constructor(readonly in_features: number, readonly out_features: number, options: { bias?: boolean } = {}) {
    super();
    const self = this as unknown as LinearModule;
    // kaiming_uniform_(a=√5) for the weight and U(±1/√in) for the bias: both bounds are 1/√in_features.
    const bound = in_features > 0 ? 1 / Math.sqrt(in_features) : 0;
    Object.assign(self, { in_features, out_features });
    self.weight = Parameter(noGrad(() => uniform([out_features, in_features], bound)));
    self.bias = options.bias === false ? null : Parameter(noGrad(() => uniform([out_features], bound)));
    return self;
  }

  override forward(input: unknown): Tensor {
    const x = asTensor(input as Tensor);
    if (x.shape[x.ndim - 1] !== this.in_features) {
      const rows = x.ndim === 1 ? '1' : String(x.numel() / x.shape[x.ndim - 1]);
      throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape[x.ndim - 1]} and ${this.in_features}x${this.out_features})`);
    }
    return F.linear(x, this.weight, this.bias ?? undefined);
  }

  toString(): string {
    return `Linear(in_features=${this.in_features}, out_features=${this.out_features}, bias=${this.bias !== null ? 'True' : 'False'})`;
  }
}

export class EmbeddingModule extends Module {
  weight!: Tensor;

  constructor(readonly num_embeddings: number, readonly embedding_dim: number, readonly options: { padding_idx?: number } = {}) {
    super();
    const self = this as unknown as EmbeddingModule;
    Object.assign(self, { num_embeddings, embedding_dim, options });
    // N(0, 1), as nn.Embedding; the padding row starts at zero.
    let w = noGrad(() => normal([num_embeddings, embedding_dim]));
    if (options.padding_idx !== undefined) {
      const row = noGrad(() => fromData('int64', [num_embeddings, 1], BigInt64Array.from({ length: num_embeddings }, (_, i) => BigInt(i))).eq(options.padding_idx!));
      w = noGrad(() => w.masked_fill(row, 0));
    }
    self.weight = Parameter(w);
    return self;
  }

  override forward(input: unknown): Tensor {
    return F.embedding(asTensor(input as Tensor), this.weight, this.options);
  }

  toString(): string {
    return `Embedding(${this.num_embeddings}, ${this.embedding_dim})`;
  }
}

/** Makes a class callable without `new`, as cells write `nn.Linear(4, 2)`. */
export function constructible<T extends new (...args: never[]) => object>(cls: T): T & ((...args: ConstructorParameters<T>) => InstanceType<T>) {
  return new Proxy(cls, { apply: (target, _this, args) => new target(...(args as never[])) }) as T & ((...args: ConstructorParameters<T>) => InstanceType<T>);
}

/**
 * torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
 * scales the gradients of `parameters` in place so that their total norm is at most `max_norm`; returns the
 * total norm (before clipping) as a tensor. The clipping is the engine's clip_grad_norm_ op (the one the
 * gradient clipping scene runs) over every gradient flattened into one vector; `foreach` changes nothing here.
 */
export function clipGradNorm(parameters: Tensor[] | Tensor, ...rest: unknown[]): Tensor {
  const [pos, given] = splitOptions(rest);
  const [maxNorm = given.max_norm, normType = given.norm_type ?? 2, errorIfNonfinite = given.error_if_nonfinite ?? false] = pos;
  if (typeof maxNorm !== 'number') throw new TypeError("clip_grad_norm_() missing 1 required positional argument: 'max_norm'");
  const params = (Array.isArray(parameters) ? parameters : [parameters]).filter((p) => p.grad);
  if (!params.length) return fromData('float32', [], Float32Array.of(0));
  return noGrad(() => {
    const flat = cat(params.map((p) => p.grad!.reshape(-1)));
    const clipped = F.clip_grad_norm_(flat, { max_norm: maxNorm, norm_type: normType, error_if_nonfinite: errorIfNonfinite });
    const total = clipped.extras!.total_norm;
    if (errorIfNonfinite === true && !Number.isFinite(total.item())) throw new Error(nonfiniteNormMessage(normType as number));
    let offset = 0;
    for (const p of params) {
      const g = p.grad!;
      g.assign(clipped.narrow(0, offset, g.numel()).reshape(g.shape).cast(g.dtype).node);
      offset += g.numel();
    }
    return total;
  });
}
