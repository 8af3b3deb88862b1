// Elementwise arithmetic with broadcasting, each forward next to its gradient rule.
import { Value } from './graph';
import { broadcastShapes, detach, sumToShape } from './shape';

export type Operand = Value | number;

/** Lifts a JS number to a scalar constant of `like`'s dtype. */
export function lift(x: Operand, like: Value): Value {
  return typeof x === 'number' ? like.graph.scalar(x, like.dtype) : x;
}

function binary(opType: string, a: Value, b: Value, rule: (g: Value) => [Value | undefined, Value | undefined]): Value {
  return a.graph.node({
    opType,
    inputs: [a, b],
    dtype: a.dtype,
    shape: broadcastShapes(a.shape, b.shape),
    backward: (g) => {
      const [ga, gb] = rule(g);
      return [ga && sumToShape(ga, a.shape), gb && sumToShape(gb, b.shape)];
    },
  });
}

function operands(a: Operand, b: Operand): [Value, Value] {
  const like = typeof a === 'number' ? (b as Value) : a;
  return [lift(a, like), lift(b, like)];
}

export function add(x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  return binary('Add', a, b, (g) => [g, g]);
}

export function sub(x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  return binary('Sub', a, b, (g) => [g, neg(g)]);
}

export function mul(x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  return binary('Mul', a, b, (g) => [mul(g, b), mul(g, a)]);
}

export function div(x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  return binary('Div', a, b, (g) => [div(g, b), neg(div(mul(g, a), mul(b, b)))]);
}

function unary(opType: string, x: Value, rule?: (g: Value, y: Value) => Value): Value {
  const y: Value = x.graph.node({
    opType,
    inputs: [x],
    dtype: x.dtype,
    shape: x.shape,
    backward: rule && ((g) => [rule(g, y)]),
  });
  return y;
}

export function neg(x: Value): Value {
  return unary('Neg', x, (g) => neg(g));
}

export function exp(x: Value): Value {
  return unary('Exp', x, (g, y) => mul(g, y));
}

export function log(x: Value): Value {
  return unary('Log', x, (g) => div(g, x));
}

export function abs(x: Value): Value {
  return unary('Abs', x, (g) => mul(g, unary('Sign', x)));
}

export function sqrt(x: Value): Value {
  return unary('Sqrt', x, (g, y) => div(g, mul(y, 2)));
}

export function relu(x: Value): Value {
  return unary('Relu', x, (g) => mul(g, step(x)));
}

/**
 * σ(x) = 1 / (1 + e^−|x|) for x ≥ 0, e^−|x| / (1 + e^−|x|) below: ORT's Sigmoid is an approximation that is off
 * by 1e-4 relative at x = −10 and gives 0 below −18, where PyTorch's σ (and every gradient through it) is not.
 */
export function sigmoid(x: Value): Value {
  const d = detach(x);
  const e = exp(neg(abs(d)));
  const pos = div(1, add(e, 1));
  const y = where(greaterOrEqual(d, 0), pos, mul(e, pos));
  return x.graph.withGradient(y, [x], (g) => [mul(g, mul(y, sub(1, y)))]);
}

export function tanh(x: Value): Value {
  return unary('Tanh', x, (g, y) => mul(g, sub(1, mul(y, y))));
}

export function sin(x: Value): Value {
  return unary('Sin', x, (g) => mul(g, cos(x)));
}

export function cos(x: Value): Value {
  return unary('Cos', x, (g) => neg(mul(g, sin(x))));
}

/** x ** p for a constant exponent p. */
export function pow(x: Value, p: number): Value {
  if (p === 1) return x;
  if (p === 2) return mul(x, x);
  return x.graph.node({
    opType: 'Pow',
    inputs: [x, x.graph.scalar(p, x.dtype)],
    dtype: x.dtype,
    shape: x.shape,
    backward: (g) => [mul(g, mul(pow(x, p - 1), p))],
  });
}

/** 1 where x > 0, else 0, in x's dtype (no gradient). */
export function step(x: Value): Value {
  return where(greater(x, 0), x.graph.scalar(1, x.dtype), x.graph.scalar(0, x.dtype));
}

/**
 * log(1 + x), accurate for |x| ≪ 1 where 1 + x rounds (ONNX has no Log1p): with u = fl(1 + x),
 * log1p(x) = log(u) · x / (u − 1), which cancels the rounding of u (x itself where u is 1 or ∞). d/dx = 1/(1 + x).
 */
export function log1p(x: Value): Value {
  const d = detach(x);
  const u = add(d, 1);
  const y = where(or(equal(u, 1), equal(u, Infinity)), d, mul(log(u), div(d, sub(u, 1))));
  return x.graph.withGradient(y, [x], (g) => [div(g, add(x, 1))]);
}

/** Stable log(1 + exp(x)) = relu(x) + log1p(exp(-|x|)); its gradient is σ(x), also at the kink x = 0. */
export function softplus(x: Value): Value {
  const d = detach(x);
  const y = add(relu(d), log1p(exp(neg(abs(d)))));
  return x.graph.withGradient(y, [x], (g) => [mul(g, sigmoid(x))]);
}

/** −log σ(z), stable for |z| ≫ 1. */
export function negLogSigmoid(z: Value): Value {
  return softplus(neg(z));
}

/** x ** y elementwise for a tensor exponent; d/dx = y·x^(y−1), d/dy = x^y·log x. */
export function powTensor(x: Value, y: Value): Value {
  const out: Value = binary('Pow', x, y, (g) => [mul(g, mul(y, powTensor(x, sub(y, 1)))), mul(g, mul(out, log(x)))]);
  return out;
}

/** min(max(x, lo), hi) (torch.clamp); the gradient passes where lo ≤ x ≤ hi, as in PyTorch. */
export function clamp(x: Value, lo?: number, hi?: number): Value {
  const g = x.graph;
  const unbounded = x.isFloat ? Infinity : Number.MAX_SAFE_INTEGER;
  return g.node({
    opType: 'Clip',
    inputs: [x, g.scalar(lo ?? -unbounded, x.dtype), g.scalar(hi ?? unbounded, x.dtype)],
    dtype: x.dtype,
    shape: x.shape,
    backward: (grad) => {
      let inside: Value | undefined;
      if (lo !== undefined) inside = not(less(x, lo));
      if (hi !== undefined) inside = inside ? and(inside, not(greater(x, hi))) : not(greater(x, hi));
      return [inside ? where(inside, grad, g.scalar(0, grad.dtype)) : grad];
    },
  });
}

/** The Gauss error function; d/dx = 2/√π · exp(−x²). */
export function erf(x: Value): Value {
  return unary('Erf', x, (g) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))));
}

function compare(opType: string, x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  return a.graph.node({ opType, inputs: [a, b], dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) });
}

export const equal = (a: Operand, b: Operand): Value => compare('Equal', a, b);
export const greater = (a: Operand, b: Operand): Value => compare('Greater', a, b);
export const less = (a: Operand, b: Operand): Value => compare('Less', a, b);
export const lessOrEqual = (a: Operand, b: Operand): Value => compare('LessOrEqual', a, b);
export const greaterOrEqual = (a: Operand, b: Operand): Value => compare('GreaterOrEqual', a, b);

export function not(x: Value): Value {
  return x.graph.node({ opType: 'Not', inputs: [x], dtype: 'bool', shape: x.shape });
}

export function and(a: Value, b: Value): Value {
  return a.graph.node({ opType: 'And', inputs: [a, b], dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) });
}

export function or(a: Value, b: Value): Value {
  return a.graph.node({ opType: 'Or', inputs: [a, b], dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) });
}

export function xor(a: Value, b: Value): Value {
  return a.graph.node({ opType: 'Xor', inputs: [a, b], dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) });
}

/** cond ? a : b, elementwise with broadcasting; the gradient goes to the chosen side. */
export function where(cond: Value, x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  const shape = broadcastShapes(cond.shape, broadcastShapes(a.shape, b.shape));
  return a.graph.node({
    opType: 'Where',
    inputs: [cond, a, b],
    dtype: a.dtype,
    shape,
    backward: (g) => {
      const zero = g.graph.scalar(0, g.dtype);
      return [undefined, sumToShape(where(cond, g, zero), a.shape), sumToShape(where(cond, zero, g), b.shape)];
    },
  });
}

export function minimum(x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  return where(less(b, a), b, a);
}

export function maximum(x: Operand, y: Operand): Value {
  const [a, b] = operands(x, y);
  return where(greater(b, a), b, a);
}
