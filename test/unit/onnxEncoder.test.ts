// The hand-written ModelProto encoder, cross-checked by an independent decoder (onnx-buf) and by ORT.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../src/engine/onnx/model';
import { Graph } from '../../src/engine/graph/graph';
import * as m from '../../src/engine/graph/math';
import { logSoftmax, sum } from '../../src/engine/graph/nn';
import { detach } from '../../src/engine/graph/shape';

function sampleGraph() {
  const g = new Graph();
  const x = g.input('x', 'float32', [2, 3]);
  const y = sum(logSoftmax(x, 1), [1]);
  g.output('y', y);
  g.output('dx', g.gradients(y, [x])[0]);
  return g.toGraphDef('sample');
}

describe('ONNX encoder', () => {
  it('decodes identically with onnx-buf', async () => {
    const { fromBinary } = await import('@bufbuild/protobuf');
    const { ModelProtoSchema } = await import('onnx-buf');
    const def = sampleGraph();
    const model = fromBinary(ModelProtoSchema, encodeModel(def));
    assert.equal(model.irVersion, 8n);
    assert.deepEqual(model.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', 18]]);
    const graph = model.graph!;
    assert.equal(graph.name, 'sample');
    assert.deepEqual(graph.node.map((n) => n.opType), def.nodes.map((n) => n.opType));
    assert.deepEqual(graph.node.map((n) => n.input), def.nodes.map((n) => [...n.inputs]));
    assert.deepEqual(graph.input.map((v) => v.name), ['x']);
    const dims = graph.input[0].type?.value.case === 'tensorType' ? graph.input[0].type.value.value.shape?.dim.map((d) => d.value.value) : [];
    assert.deepEqual(dims, [2n, 3n]);
    assert.deepEqual(graph.output.map((v) => v.name), ['y', 'dx']);
    for (const init of graph.initializer) {
      const mine = def.initializers.find((t) => t.name === init.name)!;
      assert.deepEqual([...init.rawData], [...new Uint8Array(mine.data.buffer, mine.data.byteOffset, mine.data.byteLength)]);
      assert.deepEqual(init.dims.map(Number), [...mine.dims]);
    }
    const attr = graph.node.find((n) => n.opType === 'LogSoftmax')!.attribute[0];
    assert.equal(attr.name, 'axis');
    assert.equal(attr.i, 1n);
  });

  it('loads in ONNX Runtime and computes log_softmax row sums and their gradient', async () => {
    const session = await ort.InferenceSession.create(encodeModel(sampleGraph()), { logSeverityLevel: 3 });
    const x = new Float32Array([1, 2, 3, 0, 0, 0]);
    const out = await session.run({ x: new ort.Tensor('float32', x, [2, 3]) });
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    const rows = [[1, 2, 3], [0, 0, 0]];
    rows.forEach((r, i) => assert.ok(Math.abs((out.y.data as Float32Array)[i] - (r.reduce((a, b) => a + b) - 3 * lse(r))) < 1e-5));
    // d/dx_j Σ_k (x_k − lse) = 1 − 3·softmax_j
    const dx = out.dx.data as Float32Array;
    rows.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(dx[i * 3 + j] - (1 - 3 * Math.exp(v - lse(r)))) < 1e-5)));
    await session.release();
  });
});

describe('graph definition', () => {
  it('drops the Identity nodes of detach and withGradient (their readers read the input), keeps those naming outputs, and computes the same', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [4]);
    const s = m.sigmoid(x); // built on a detached input, its gradient attached by withGradient
    const y = sum(m.mul(detach(s), x), [0]);
    g.output('y', y);
    g.output('s', s);
    g.output('dx', g.gradients(y, [x])[0]);
    const def = g.toGraphDef('identities');
    const identities = def.nodes.filter((n) => n.opType === 'Identity');
    assert.deepEqual(identities.map((n) => n.outputs[0]).sort(), ['dx', 's', 'y']);
    const session = await ort.InferenceSession.create(encodeModel(def), { logSeverityLevel: 3 });
    const xs = [-20, -1, 0, 3];
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(xs), [4]) });
    const sig = xs.map((v) => 1 / (1 + Math.exp(-v)));
    // y = Σ stop_gradient(σ(x))·x, so dy/dx = σ(x) (float64 references).
    [...(out.s.data as Float32Array)].forEach((v, i) => assert.ok(Math.abs(v - sig[i]) <= 1e-6 * Math.max(sig[i], 1e-30) + 1e-45, `σ(${xs[i]}) ${v} vs ${sig[i]}`));
    [...(out.dx.data as Float32Array)].forEach((v, i) => assert.ok(Math.abs(v - sig[i]) <= 1e-6 * Math.max(sig[i], 1e-30) + 1e-45, `dx ${v} vs ${sig[i]}`));
    assert.ok(Math.abs((out.y.data as Float32Array)[0] - sig.reduce((a, v, i) => a + v * xs[i], 0)) < 1e-5);
    await session.release();
  });
});
