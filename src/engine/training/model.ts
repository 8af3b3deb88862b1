// The small models Loss Lab trains, written with the graph builder (their gradients come from its autodiff):
// softmax regression and a one-hidden-layer MLP on 2-D points; a character bigram table and a character
// MLP over a context window (embedding → tanh layer → logits).
import type { ModelKind } from '../../protocol/training';
import type { Graph, Value } from '../graph/graph';
import { add, tanh } from '../graph/math';
import { embedding, matmul } from '../graph/nn';
import { reshape } from '../graph/shape';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Uniform init in ±scale (0: zeros). */
  scale: number;
}

export interface ModelShape {
  kind: ModelKind;
  /** Input width (toy: 2 features) or vocabulary size (char models). */
  inputs: number;
  classes: number;
  hidden: number;
  embedding: number;
  context: number;
}

export function paramSpecs(m: ModelShape): ParamSpec[] {
  const xavier = (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut));
  switch (m.kind) {
    case 'softmax_regression':
      return [{ name: 'W', shape: [m.inputs, m.classes], scale: xavier(m.inputs, m.classes) }, { name: 'b', shape: [1, m.classes], scale: 0 }];
    case 'mlp':
      return [
        { name: 'W1', shape: [m.inputs, m.hidden], scale: xavier(m.inputs, m.hidden) },
        { name: 'b1', shape: [1, m.hidden], scale: 0 },
        { name: 'W2', shape: [m.hidden, m.classes], scale: xavier(m.hidden, m.classes) },
        { name: 'b2', shape: [1, m.classes], scale: 0 },
      ];
    case 'char_bigram':
      return [{ name: 'logits', shape: [m.inputs, m.classes], scale: 0 }];
    case 'char_mlp':
      return [
        { name: 'E', shape: [m.inputs, m.embedding], scale: 1 },
        { name: 'W1', shape: [m.context * m.embedding, m.hidden], scale: xavier(m.context * m.embedding, m.hidden) },
        { name: 'b1', shape: [1, m.hidden], scale: 0 },
        { name: 'W2', shape: [m.hidden, m.classes], scale: xavier(m.hidden, m.classes) },
        { name: 'b2', shape: [1, m.classes], scale: 0 },
      ];
  }
}

/** Whether the model reads float features [B, D] or token ids [B, context]. */
export function takesTokens(kind: ModelKind): boolean {
  return kind === 'char_bigram' || kind === 'char_mlp';
}

/** logits [B, classes] from x ([B, D] floats or [B, context] int64 ids) and the parameters by name. */
export function forward(g: Graph, m: ModelShape, x: Value, p: Record<string, Value>): Value {
  const B = x.shape[0];
  switch (m.kind) {
    case 'softmax_regression':
      return add(matmul(x, p.W), p.b);
    case 'mlp':
      return add(matmul(tanh(add(matmul(x, p.W1), p.b1)), p.W2), p.b2);
    case 'char_bigram':
      return reshape(embedding(p.logits, reshape(x, [B])), [B, m.classes]);
    case 'char_mlp': {
      const emb = reshape(embedding(p.E, x), [B, m.context * m.embedding]);
      return add(matmul(tanh(add(matmul(emb, p.W1), p.b1)), p.W2), p.b2);
    }
  }
}
