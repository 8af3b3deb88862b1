// Opens a tensor file by its extension: .safetensors, .npy, .npz, .pt / .pth / .bin (torch.save zip).
import * as path from 'node:path';
import { npyEntries, npzEntries } from './numpy';
import { safetensorsEntries } from './safetensors';
import { FileSource, fileError, readRows, readWhole, TensorFileError, type TensorEntry } from './tensorFile';
import { torchEntries } from './torch';
import type { Decoded } from './dtypes';

export const TENSOR_FILE_EXTENSIONS = ['.safetensors', '.npy', '.npz', '.pt', '.pth', '.bin'];

export interface TensorFile {
  path: string;
  entries: TensorEntry[];
  entry(name: string): TensorEntry;
  rows(entry: TensorEntry, start: number, count: number): Decoded;
  whole(entry: TensorEntry): Decoded;
  close(): void;
}

export async function openTensorFile(file: string): Promise<TensorFile> {
  const ext = path.extname(file).toLowerCase();
  if (!TENSOR_FILE_EXTENSIONS.includes(ext)) fileError(file, `unknown tensor file type '${ext}'; read: ${TENSOR_FILE_EXTENSIONS.join(', ')}`);
  const source = new FileSource(file);
  try {
    const entries =
      ext === '.safetensors' ? safetensorsEntries(source)
      : ext === '.npy' ? npyEntries(source, path.basename(file, ext))
      : ext === '.npz' ? await npzEntries(source)
      : await torchEntries(source);
    return {
      path: file,
      entries,
      entry: (name) => entries.find((e) => e.name === name) ?? fileError(file, `no tensor named '${name}'; tensors: ${entries.map((e) => e.name).join(', ')}`),
      rows: (entry, start, count) => readRows(source, entry, start, count),
      whole: (entry) => readWhole(source, entry),
      close: () => source.close(),
    };
  } catch (error) {
    source.close();
    if (error instanceof TensorFileError) throw error;
    throw new TensorFileError(`${path.basename(file)}: ${(error as Error).message}`);
  }
}
