// Tensors as they cross every boundary (host ↔ engine worker, CLI, panel, notebook). Types only.

export type DType = 'float32' | 'float64' | 'int64';

/** Row-major tensor backed by a typed array; crosses worker boundaries by transferring `data.buffer`. */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array;
}

/** JSON form used by golden files and CLI output: `{"dtype", "shape", "data": [flat row-major]}`. */
export interface TensorJson {
  dtype: DType;
  shape: number[];
  data: number[];
}
