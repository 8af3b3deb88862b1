// torch.optim for notebook tensors: SGD (momentum, dampening, nesterov, weight_decay), Adam and AdamW with
// PyTorch's update rules (torch/optim/sgd.py, adam.py, adamw.py; single-tensor path). Updates are recorded
// lazily under no_grad and computed with the next step's graph; the step-dependent scalars (bias corrections)
// are fed as inputs, so every step reuses one compiled graph.
import { fromData, type Tensor } from './tensor';
import { noGrad } from './runtime';
import { zeros_like } from './ops/creation';

interface ParamGroupOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
}

const scalar = (v: number): Tensor => fromData('float32', [], Float32Array.of(v));

abstract class Optimizer {
  readonly params: Tensor[];
  readonly defaults: Required<Pick<ParamGroupOptions, 'lr'>> & ParamGroupOptions;
  protected readonly state = new Map<Tensor, Record<string, Tensor | number>>();

  constructor(params: Iterable<Tensor> | Tensor[], defaults: ParamGroupOptions & { lr: number }) {
    this.params = [...params];
    if (!this.params.length) throw new RangeError('optimizer got an empty parameter list');
    if (defaults.lr < 0) throw new RangeError(`Invalid learning rate: ${defaults.lr}`);
    this.defaults = defaults;
  }

  get param_groups(): { params: Tensor[]; lr: number }[] {
    return [Object.assign(this.defaults, { params: this.params })];
  }

  /** set_to_none (PyTorch 2's default): grads become null. */
  zero_grad(options: { set_to_none?: boolean } = {}): void {
    for (const p of this.params) {
      if (options.set_to_none === false) p.grad?.zero_();
      else p.grad = null;
    }
  }

  step(): void {
    noGrad(() => {
      for (const p of this.params) if (p.grad) this.update(p, p.grad, (this.state.get(p) ?? this.state.set(p, {}).get(p))!);
    });
  }

  protected abstract update(p: Tensor, grad: Tensor, state: Record<string, Tensor | number>): void;
}

export class SGD extends Optimizer {
  constructor(params: Iterable<Tensor>, options: ParamGroupOptions = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, ...options });
    if (this.defaults.nesterov && (this.defaults.momentum! <= 0 || this.defaults.dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
  }

  protected update(p: Tensor, grad: Tensor, state: Record<string, Tensor | number>): void {
    const { lr, momentum, dampening, weight_decay: wd, nesterov, maximize } = this.defaults;
    let d = maximize ? grad.neg() : grad;
    if (wd) d = d.add(p.mul(wd));
    if (momentum) {
      const buf = state.momentum_buffer as Tensor | undefined;
      const next = buf ? buf.mul(momentum).add(d.mul(1 - dampening!)) : d.clone();
      if (buf) buf.assign(next.node);
      else state.momentum_buffer = next.detach();
      const b = state.momentum_buffer as Tensor;
      d = nesterov ? d.add(b.mul(momentum)) : b;
    }
    p.assign(p.sub(d.mul(lr)).node);
  }
}

export class Adam extends Optimizer {
  constructor(params: Iterable<Tensor>, options: ParamGroupOptions = {}, private readonly decoupled = false) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: decoupled ? 1e-2 : 0, amsgrad: false, maximize: false, ...options });
    const [b1, b2] = this.defaults.betas!;
    if (!(b1 >= 0 && b1 < 1)) throw new RangeError(`Invalid beta parameter at index 0: ${b1}`);
    if (!(b2 >= 0 && b2 < 1)) throw new RangeError(`Invalid beta parameter at index 1: ${b2}`);
  }

  protected update(p: Tensor, gradIn: Tensor, state: Record<string, Tensor | number>): void {
    const { lr, betas, eps, weight_decay: wd, amsgrad, maximize } = this.defaults;
    const [b1, b2] = betas!;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    let grad = maximize ? gradIn.neg() : gradIn;
    if (this.decoupled) {
      if (wd) p.assign(p.mul(1 - lr * wd!).node);
    } else if (wd) {
      grad = grad.add(p.mul(wd));
    }
    if (!state.exp_avg) {
      state.exp_avg = zeros_like(p).detach();
      state.exp_avg_sq = zeros_like(p).detach();
      if (amsgrad) state.max_exp_avg_sq = zeros_like(p).detach();
    }
    const m = state.exp_avg as Tensor;
    const v = state.exp_avg_sq as Tensor;
    m.assign(m.add(grad.sub(m).mul(1 - b1)).node); // exp_avg.lerp_(grad, 1 − β1)
    v.assign(v.mul(b2).add(grad.mul(grad).mul(1 - b2)).node);
    const bias1 = 1 - b1 ** step;
    const bias2 = 1 - b2 ** step;
    // Step-dependent numbers as inputs (not constants): the graph stays the same from step to step.
    const stepSize = scalar(lr / bias1);
    const bias2Sqrt = scalar(Math.sqrt(bias2));
    let second = v;
    if (amsgrad) {
      const mx = state.max_exp_avg_sq as Tensor;
      mx.assign(mx.maximum(v).node);
      second = mx;
    }
    const denom = second.sqrt().div(bias2Sqrt).add(eps!);
    p.assign(p.sub(m.div(denom).mul(stepSize)).node);
  }
}

export class AdamW extends Adam {
  constructor(params: Iterable<Tensor>, options: ParamGroupOptions = {}) {
    super(params, options, true);
  }
}
