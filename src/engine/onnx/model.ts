// ONNX ModelProto as plain data, and its encoder (field numbers from onnx/onnx.proto).
import { ProtoWriter } from './protobuf';

export type ElemType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

const ELEM_CODE: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

/** Static-shape tensor type of a graph input/output. */
export interface ValueInfo {
  name: string;
  elemType: ElemType;
  shape: readonly number[];
}

/** A constant baked into the graph. */
export interface TensorInit {
  name: string;
  elemType: ElemType;
  dims: readonly number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: TensorInit }
  | { kind: 'graph'; value: GraphDef };

export interface NodeDef {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface GraphDef {
  name: string;
  nodes: readonly NodeDef[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  initializers: readonly TensorInit[];
}

export const OPSET = 18;
const IR_VERSION = 8;

// AttributeProto.AttributeType codes.
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7 } as const;

function writeTensor(w: ProtoWriter, t: TensorInit): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ELEM_CODE[t.elemType]);
  w.string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEM_CODE[v.elemType]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

function writeAttribute(w: ProtoWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float': w.float(2, a.value); break;
    case 'int': w.int(3, a.value); break;
    case 'string': w.string(4, a.value); break;
    case 'tensor': w.message(5, (t) => writeTensor(t, a.value)); break;
    case 'graph': w.message(6, (g) => writeGraph(g, a.value)); break;
    case 'floats': w.packedFloats(7, a.value); break;
    case 'ints': w.packedInts(8, a.value); break;
  }
  w.int(20, ATTR_TYPE[a.kind]);
}

function writeNode(w: ProtoWriter, n: NodeDef): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (attr) => writeAttribute(attr, name, a));
}

function writeGraph(w: ProtoWriter, g: GraphDef): void {
  for (const n of g.nodes) w.message(1, (node) => writeNode(node, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (tensor) => writeTensor(tensor, t));
  for (const v of g.inputs) w.message(11, (vi) => writeValueInfo(vi, v));
  for (const v of g.outputs) w.message(12, (vi) => writeValueInfo(vi, v));
}

/** Encodes a ModelProto (IR 8, default-domain opset 18) holding `graph`. */
export function encodeModel(graph: GraphDef): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, 'loss-lab');
  w.message(7, (g) => writeGraph(g, graph));
  w.message(8, (opset) => opset.string(1, '').int(2, OPSET));
  return w.finish();
}
