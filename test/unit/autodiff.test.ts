// Every gradient rule of the graph builder against central finite differences, in float64 on ORT.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph, type Value } from '../../src/engine/graph/graph';
import * as m from '../../src/engine/graph/math';
import * as nn from '../../src/engine/graph/nn';
import * as sh from '../../src/engine/graph/shape';
import { encodeModel } from '../../src/engine/onnx/model';

type Build = (g: Graph, xs: Value[]) => Value;

/** Deterministic values in (−2, 2), away from kinks. */
function sample(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const v = (s / 2147483648) * 4 - 2;
    return Math.abs(v) < 0.1 ? v + 0.3 : v;
  });
}

async function checkGradient(shapes: number[][], build: Build, positive = false): Promise<void> {
  const g = new Graph();
  const xs = shapes.map((shape, i) => g.input(`x${i}`, 'float64', shape));
  const y = build(g, xs);
  g.output('y', nn.sum(y));
  g.gradients(nn.sum(y), xs).forEach((d, i) => g.output(`d${i}`, d));
  const session = await ort.InferenceSession.create(encodeModel(g.toGraphDef()), { logSeverityLevel: 3 });
  const values = shapes.map((s, i) => {
    const v = sample(s.reduce((a, b) => a * b, 1), 7 + i);
    return positive ? v.map((x) => Math.abs(x) + 0.5) : v;
  });
  const feeds = () => Object.fromEntries(values.map((v, i) => [`x${i}`, new ort.Tensor('float64', v.slice(), shapes[i])]));
  const out = await session.run(feeds());
  const f = async () => ((await session.run(feeds(), ['y'])).y.data as Float64Array)[0];
  const h = 1e-6;
  for (let i = 0; i < values.length; i++) {
    const analytic = out[`d${i}`].data as Float64Array;
    for (let j = 0; j < values[i].length; j++) {
      const keep = values[i][j];
      values[i][j] = keep + h;
      const up = await f();
      values[i][j] = keep - h;
      const down = await f();
      values[i][j] = keep;
      const numeric = (up - down) / (2 * h);
      assert.ok(Math.abs(analytic[j] - numeric) <= 1e-5 * Math.max(1, Math.abs(numeric)), `d/dx${i}[${j}]: analytic ${analytic[j]} vs numeric ${numeric}`);
    }
  }
  await session.release();
}

describe('autodiff gradient rules (finite differences, float64)', () => {
  const cases: [string, number[][], Build, boolean?][] = [
    ['add/sub/mul/div with broadcasting', [[3, 4], [1, 4]], (_g, [a, b]) => m.div(m.mul(m.add(a, b), m.sub(a, b)), m.add(m.mul(b, b), 1))],
    ['exp, log, sqrt', [[5]], (_g, [a]) => m.add(m.log(a), m.mul(m.sqrt(a), m.exp(m.neg(a)))), true],
    ['abs, relu, sigmoid, tanh', [[6]], (_g, [a]) => m.add(m.add(m.abs(a), m.relu(a)), m.mul(m.sigmoid(a), m.tanh(a)))],
    ['pow', [[4]], (_g, [a]) => m.pow(a, 2.5), true],
    ['softplus and negLogSigmoid', [[6]], (_g, [a]) => m.add(m.softplus(a), m.negLogSigmoid(m.mul(a, 3)))],
    ['where, minimum, maximum', [[4], [4]], (_g, [a, b]) => m.add(m.minimum(a, b), m.mul(m.maximum(a, b), 2))],
    ['sum and mean over axes', [[2, 3, 4]], (_g, [a]) => m.mul(nn.sum(a, [1], true), nn.mean(a, [0, 2], true))],
    ['log_softmax and softmax', [[3, 5]], (_g, [a]) => m.mul(nn.logSoftmax(a, 1), nn.softmax(m.mul(a, 2), 0))],
    ['logsumexp', [[3, 5]], (_g, [a]) => m.mul(nn.logSumExp(a, 1, true), nn.logSumExp(a, 0, true))],
    ['matmul (batched)', [[2, 3, 4], [2, 4, 5]], (_g, [a, b]) => m.mul(nn.matmul(a, b), nn.matmul(a, b))],
    ['gather and scatter', [[3, 4]], (g, [a]) => {
      const idx = g.constant(BigInt64Array.from([1n, 1n, 3n, 0n, 2n, 2n]), 'int64', [3, 2]);
      return m.exp(nn.gather(a, idx, 1));
    }],
    ['embedding', [[5, 3]], (g, [table]) => m.mul(nn.embedding(table, g.constant(BigInt64Array.from([4n, 0n, 4n, 2n]), 'int64', [2, 2])), 1.5)],
    ['slice, concat, transpose, expand, reshape', [[2, 3], [2, 1]], (_g, [a, b]) => {
      const c = sh.concat([sh.slice(a, 1, 1, 3), sh.expand(b, [2, 2])], 1);
      return m.mul(sh.reshape(sh.transpose(c, [1, 0]), [8]), sh.reshape(c, [8]));
    }],
  ];
  for (const [name, shapes, build, positive] of cases) {
    it(name, () => checkGradient(shapes, build, positive));
  }
});
