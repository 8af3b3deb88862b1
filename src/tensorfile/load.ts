// Whole tensor files as values, for the notebook's torch.load(path) and safetensors.load_file(path): the same
// safe readers as the Loss Inspector (a torch.save pickle is never run). Tensors come out in the notebook
// library's dtypes: float32 (half and bfloat16 widened), float64, int64 (every integer type) and bool.
import * as path from 'node:path';
import { safetensorsEntries } from './safetensors';
import { byteLength, FileSource, fileError, readWhole, TensorFileError, type TensorEntry } from './tensorFile';
import { SavedTensor, torchObject } from './torch';

/** A tensor as read: what the notebook library builds its tensor from. */
export interface LoadedTensor {
  name: string;
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array | Uint8Array;
}

/** torch.load's value: tensors, dicts (Maps), lists and tuples (arrays) and plain values. */
export type Loaded = LoadedTensor | Map<unknown, Loaded> | Loaded[] | string | number | bigint | boolean | null | undefined;

function decode(source: FileSource, e: TensorEntry): LoadedTensor {
  if (e.dtype === 'float64') {
    // Kept as float64 (the Inspector's readers give float32): the bytes copied, little-endian as both formats store them.
    const bytes = source.read(e.offset, byteLength(e), e.name);
    return { name: e.name, dtype: 'float64', shape: e.shape, data: new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
  }
  const values = readWhole(source, e);
  if (e.dtype === 'bool') return { name: e.name, dtype: 'bool', shape: e.shape, data: Uint8Array.from(values as BigInt64Array, (v) => (v ? 1 : 0)) };
  return { name: e.name, dtype: values instanceof Float32Array ? 'float32' : 'int64', shape: e.shape, data: values };
}

export type LoadKind = 'torch' | 'safetensors';

/** The file's content; `kind` says which loader was called (torch.load reads torch.save archives only). */
export async function loadTensorFile(file: string, kind: LoadKind): Promise<Loaded> {
  const ext = path.extname(file).toLowerCase();
  if (kind === 'safetensors' && ext !== '.safetensors') fileError(file, `safetensors.load_file reads .safetensors files; for '${ext}' use torch.load`);
  if (kind === 'torch' && ext === '.safetensors') fileError(file, 'is a safetensors file: load it with safetensors.load_file(path)');
  if (kind === 'torch' && (ext === '.npy' || ext === '.npz')) fileError(file, `is a NumPy file; torch.load reads files written by torch.save (.pt, .pth, .bin)`);
  const source = new FileSource(file);
  try {
    if (kind === 'safetensors') return new Map(safetensorsEntries(source).map((e) => [e.name, decode(source, e)]));
    const rebuild = (value: unknown): Loaded => {
      if (value instanceof SavedTensor) return decode(source, value.entry);
      if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, rebuild(v)]));
      if (Array.isArray(value)) return value.map(rebuild);
      return value as Loaded;
    };
    return rebuild(await torchObject(source));
  } catch (error) {
    if (error instanceof TensorFileError) throw error;
    throw new TensorFileError(`${path.basename(file)}: ${(error as Error).message}`);
  } finally {
    source.close();
  }
}
