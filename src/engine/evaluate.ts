// Evaluates one op request on ONNX Runtime: checks, graph (cached by signature), run, gradients.
import type { OpRequest, OpResult } from '../protocol/engine';
import type { Tensor } from '../protocol/tensor';
import { Graph, type Value } from './graph/graph';
import { OP_DEFINITIONS } from './ops/registry';
import { fail, shapeText, type OpDefinition, type Options } from './ops/op';
import { canUseRowPlan, crossEntropyByRows } from './plans/crossEntropyRows';
import { run, sessionFor } from './runtime/sessions';
import { checkMemory, checkTensor, nonFiniteNames, toFloat32 } from './tensors';

export async function evaluate(request: OpRequest): Promise<OpResult> {
  const op = OP_DEFINITIONS.get(request.op) ?? fail(`unknown op '${request.op}'; known ops: ${[...OP_DEFINITIONS.keys()].join(', ')}`);
  const wantGrad = request.grad !== false && op.differentiable !== false;
  const { tensors, options } = prepare(op, request, wantGrad);
  op.check?.(tensors, options);
  if (canUseRowPlan(op.name, tensors, options)) return crossEntropyByRows(tensors, options, wantGrad);

  const signature = JSON.stringify([
    op.name,
    wantGrad,
    Object.entries(tensors).map(([name, t]) => [name, t.dtype, t.shape]),
    Object.entries(options).filter(([name]) => !(name in tensors)),
  ]);
  const session = await sessionFor(signature, () => buildGraph(op, tensors, options, wantGrad));
  const outputs = await run(session, tensors);

  const result: OpResult = { output: outputs.output, grad: {}, extras: {}, nonFinite: nonFiniteNames(tensors) };
  for (const [name, t] of Object.entries(outputs)) {
    if (name.startsWith('grad.')) result.grad[name.slice(5)] = t;
    else if (name.startsWith('extra.')) result.extras[name.slice(6)] = t;
  }
  return result;
}

/** Validates argument names and dtypes; converts floats to float32; fills PyTorch defaults. */
function prepare(op: OpDefinition, request: OpRequest, wantGrad: boolean): { tensors: Record<string, Tensor>; options: Options } {
  for (const [name, t] of Object.entries(request.inputs)) checkTensor(name, t);
  checkMemory(op.name, Object.values(request.inputs), wantGrad);
  const tensors: Record<string, Tensor> = {};
  for (const [name, kind] of Object.entries(op.inputs)) {
    const t = request.inputs[name] ?? fail(`${op.name}() missing required argument '${name}'`);
    const isFloat = t.dtype !== 'int64';
    if (kind === 'float' && !isFloat) fail(`${op.name}(): expected ${name} to be a floating point tensor, but got dtype ${t.dtype}`);
    if (kind === 'int' && isFloat) fail(`${op.name}(): expected ${name} to be an integer (int64) tensor, but got dtype ${t.dtype}`);
    tensors[name] = toFloat32(t);
  }
  for (const name of Object.keys(request.inputs)) {
    if (!(name in op.inputs)) fail(`${op.name}() got an unexpected input '${name}'; inputs: ${Object.keys(op.inputs).join(', ')}`);
  }
  const options: Options = { ...op.defaults };
  for (const [name, value] of Object.entries(request.options ?? {})) {
    const isTensorOption = op.tensorOptions?.includes(name);
    if (!(name in op.defaults) && !isTensorOption) {
      fail(`${op.name}() got an unexpected keyword argument '${name}'; options: ${[...Object.keys(op.defaults), ...(op.tensorOptions ?? [])].join(', ')}`);
    }
    if (value === null || value === undefined) continue;
    if (isTensorOption) {
      if (typeof value !== 'object') fail(`${op.name}(): ${name} must be a tensor, got ${JSON.stringify(value)}`);
      checkTensor(name, value);
      if (value.dtype === 'int64') fail(`${op.name}(): expected ${name} to be a floating point tensor, but got dtype int64`);
      tensors[name] = toFloat32(value);
    } else {
      if (typeof value === 'object') fail(`${op.name}(): ${name} must be a ${typeof op.defaults[name]}, got a tensor of shape ${shapeText(value.shape)}`);
      options[name] = value;
    }
  }
  return { tensors, options };
}

function buildGraph(op: OpDefinition, tensors: Record<string, Tensor>, options: Options, wantGrad: boolean) {
  const g = new Graph();
  const values: Record<string, Value> = {};
  for (const [name, t] of Object.entries(tensors)) values[name] = g.input(name, t.dtype, t.shape);
  const built = op.build(g, values, options);
  g.output('output', built.output);
  for (const [name, v] of Object.entries(built.extras ?? {})) g.output(`extra.${name}`, v);
  if (wantGrad) {
    const wrt = Object.keys(op.inputs).filter((name) => values[name].isFloat);
    const grads = g.gradients(built.output, wrt.map((name) => values[name]));
    wrt.forEach((name, i) => g.output(`grad.${name}`, grads[i]));
  }
  return g.toGraphDef(op.name);
}
