// What an op is: its PyTorch name, inputs, option defaults, checks that run before any graph, and the graph.
import type { OptionValue } from '../../protocol/engine';
import type { Tensor } from '../../protocol/tensor';
import type { Graph, Value } from '../graph/graph';

export type Options = Record<string, OptionValue>;

/** A tensor argument's kind: float inputs get gradients; int inputs are class indices, lengths, ids. */
export type InputKind = 'float' | 'int' | 'float-or-int';

export interface OpDefinition {
  name: string;
  /** Tensor arguments in PyTorch's order, by PyTorch's argument names. */
  inputs: Record<string, InputKind>;
  /** Optional tensor arguments (e.g. `weight`), passed among the options. */
  tensorOptions?: readonly string[];
  /** PyTorch/TRL defaults; an absent option takes these. Options not listed here are refused. */
  defaults: Options;
  /** False for metrics with no gradient (perplexity, top_k_accuracy). Default true. */
  differentiable?: boolean;
  /** Checks values the graph cannot (label ranges, shapes); throws an OpError naming them. */
  check?(inputs: Record<string, Tensor>, options: Options): void;
  /** Elements of the largest intermediate or output (for the memory estimate); default: the largest input. */
  peakElements?(inputs: Record<string, Tensor>, options: Options): number;
  /** Things PyTorch computes without complaint but that are likely mistakes (probabilities not summing to 1). */
  warnings?(inputs: Record<string, Tensor>, options: Options): string[];
  /** Builds the forward graph. `inputs` holds the tensor arguments and tensor options as graph inputs. */
  build(g: Graph, inputs: Record<string, Value>, options: Options): OpGraph;
}

export interface OpGraph {
  output: Value;
  /** Additional outputs such as `chosen_rewards`. */
  extras?: Record<string, Value>;
}

/** A refused request: the message is what the user sees, PyTorch-style, naming the bad values. */
export class OpError extends Error {}

export function fail(message: string): never {
  throw new OpError(message);
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function numberOption(options: Options, name: string): number {
  const v = options[name];
  if (typeof v !== 'number' || Number.isNaN(v)) fail(`${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string>(options: Options, name: string, allowed: readonly T[]): T {
  const v = options[name];
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    fail(`${JSON.stringify(v)} is not a valid value for ${name}; expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return v as T;
}

/**
 * A float tensor's values when the check has them: the engine's evaluate passes them; a notebook tensor chain
 * checks shapes before its values are computed, and passes only their count.
 */
export function knownValues(t: Tensor): ArrayLike<number> | undefined {
  return ArrayBuffer.isView(t.data) && !(t.data instanceof BigInt64Array) ? (t.data as ArrayLike<number>) : undefined;
}
