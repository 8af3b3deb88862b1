// Evaluates one op request on ONNX Runtime: checks, graph (cached by signature), run, gradients.
import type { OpRequest, OpResult } from '../protocol/engine';
import type { Tensor } from '../protocol/tensor';
import { Graph, type Value } from './graph/graph';
import { OP_DEFINITIONS } from './ops/registry';
import { fail, OpError, shapeText, type OpDefinition, type Options } from './ops/op';
import { canUseRowPlan, crossEntropyByRows } from './plans/crossEntropyRows';
import { run, sessionFor } from './runtime/sessions';
import { checkMemory, checkTensor, nonFiniteNames, toEngineTensor, unshared } from './tensors';

/**
 * `ownsInputs`: the request's tensors belong to this call alone (the worker received them in a message), so a
 * plan may write its gradient over an input's buffer. Tensors in a SharedArrayBuffer are copied unless the
 * request donates them.
 */
export async function evaluate(request: OpRequest, ownsInputs = false): Promise<OpResult> {
  const op = (typeof request.op === 'string' ? OP_DEFINITIONS.get(request.op) : undefined) ?? fail(`unknown op ${typeof request.op === 'string' ? `'${request.op.slice(0, 80)}'` : JSON.stringify(request.op) ?? 'nothing'}; known ops: ${[...OP_DEFINITIONS.keys()].join(', ')}`);
  const wantGrad = request.grad !== false && op.differentiable !== false;
  const { tensors, options } = prepare(op, request, wantGrad);
  op.check?.(tensors, options);
  if (canUseRowPlan(op.name, tensors, options)) return { warnings: op.warnings?.(tensors, options) ?? [], ...(await crossEntropyByRows(tensors, options, wantGrad, ownsInputs)) };
  // Donated shared memory only the row plan computes in: the graph reads a copy.
  for (const [name, t] of Object.entries(tensors)) tensors[name] = unshared(t);

  const signature = JSON.stringify([
    op.name,
    wantGrad,
    Object.entries(tensors).map(([name, t]) => [name, t.dtype, t.shape]),
    Object.entries(options).filter(([name]) => !(name in tensors)),
  ]);
  let outputs: Awaited<ReturnType<typeof run>>;
  try {
    const session = await sessionFor(signature, () => buildGraph(op, tensors, options, wantGrad));
    outputs = await run(session, tensors);
  } catch (error) {
    if (error instanceof OpError) throw error;
    // ONNX Runtime's own words name graph nodes the user never wrote: say which call failed instead.
    const shapes = Object.entries(tensors).map(([name, t]) => `${name} ${shapeText(t.shape)}`).join(', ');
    return fail(`${op.name}(): cannot evaluate this call with ${shapes}${Object.values(tensors).some((t) => t.data.length === 0) ? ' (an empty tensor)' : ''}`);
  }

  const result: OpResult = { output: outputs.output, grad: {}, extras: {}, nonFinite: nonFiniteNames(tensors), warnings: op.warnings?.(tensors, options) ?? [] };
  for (const [name, t] of Object.entries(outputs)) {
    if (name.startsWith('grad.')) result.grad[name.slice(5)] = t;
    else if (name.startsWith('extra.')) result.extras[name.slice(6)] = t;
  }
  return result;
}

/** Options that PyTorch takes as Python ints (class indices, axes, counts): an int64 in the graph. */
const INTEGER_OPTIONS = new Set(['ignore_index', 'blank', 'dim', 'k']);

/** The option's value as PyTorch would take it, or a TypeError-like refusal naming the option and the value. */
function checkOption(op: string, name: string, value: unknown, fallback: unknown): void {
  const got = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : JSON.stringify(value) ?? String(value);
  const wanted = typeof fallback;
  if (typeof value !== wanted) fail(`${op}(): argument '${name}' must be ${wanted === 'boolean' ? 'a bool' : wanted === 'number' ? (INTEGER_OPTIONS.has(name) ? 'an int' : 'a float') : 'a str'}, not ${typeof value === 'string' ? 'str' : typeof value === 'boolean' ? 'bool' : typeof value} ${got}`);
  if (wanted === 'number') {
    if (Number.isNaN(value)) fail(`${op}(): argument '${name}' must be a number, got NaN`);
    if (INTEGER_OPTIONS.has(name) && !Number.isSafeInteger(value)) fail(`${op}(): argument '${name}' must be an int within ±${Number.MAX_SAFE_INTEGER}, got ${got}`);
  }
  if (wanted === 'string' && (value as string).length > 64) fail(`${op}(): argument '${name}' is not a valid value (a string of ${(value as string).length} characters)`);
}

/** Validates argument names and dtypes; converts floats to float32 in memory of the engine's own; fills PyTorch defaults. */
function prepare(op: OpDefinition, request: OpRequest, wantGrad: boolean): { tensors: Record<string, Tensor>; options: Options } {
  const given = request.inputs && typeof request.inputs === 'object' ? request.inputs : fail(`${op.name}(): inputs must be an object of named tensors`);
  const donated = new Set(request.donate ?? []);
  if (!Array.isArray(request.donate ?? []) || [...donated].some((name) => typeof name !== 'string' || !Object.hasOwn(op.inputs, name))) {
    fail(`${op.name}(): donate must list input names (${Object.keys(op.inputs).join(', ')}), got ${JSON.stringify(request.donate)?.slice(0, 80)}`);
  }
  for (const [name, t] of Object.entries(given)) checkTensor(name, t);
  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const [name, kind] of Object.entries(op.inputs)) {
    const t = Object.hasOwn(given, name) ? given[name] : fail(`${op.name}() missing required argument '${name}'`);
    const isFloat = t.dtype !== 'int64';
    if (kind === 'float' && !isFloat) fail(`${op.name}(): expected ${name} to be a floating point tensor, but got dtype ${t.dtype}`);
    if (kind === 'int' && isFloat) fail(`${op.name}(): expected ${name} to be an integer (int64) tensor, but got dtype ${t.dtype}`);
    tensors[name] = toEngineTensor(t, donated.has(name));
  }
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(op.inputs, name)) fail(`${op.name}() got an unexpected input '${name.slice(0, 80)}'; inputs: ${Object.keys(op.inputs).join(', ')}`);
  }
  const options: Options = { ...op.defaults };
  for (const [name, value] of Object.entries(request.options ?? {})) {
    const isTensorOption = op.tensorOptions?.includes(name) ?? false;
    if (!Object.hasOwn(op.defaults, name) && !isTensorOption) {
      fail(`${op.name}() got an unexpected keyword argument '${name.slice(0, 80)}'; options: ${[...Object.keys(op.defaults), ...(op.tensorOptions ?? [])].join(', ')}`);
    }
    if (value === null || value === undefined) continue;
    if (isTensorOption) {
      if (typeof value !== 'object') fail(`${op.name}(): ${name} must be a tensor, got ${JSON.stringify(value)}`);
      checkTensor(name, value);
      if (value.dtype === 'int64') fail(`${op.name}(): expected ${name} to be a floating point tensor, but got dtype int64`);
      tensors[name] = toEngineTensor(value);
    } else {
      if (typeof value === 'object') fail(`${op.name}(): ${name} must be a ${typeof op.defaults[name]}, got a tensor of shape ${shapeText(value.shape)}`);
      checkOption(op.name, name, value, op.defaults[name]);
      options[name] = value;
    }
  }
  checkMemory(op, tensors, options, wantGrad);
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
