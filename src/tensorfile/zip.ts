// Members of a zip archive (torch.save's format, NumPy's .npz) and where each one's bytes start, so stored
// members are read in place by positioned reads. The central directory (zip64 included) is yauzl's job.
import { inflateRawSync } from 'node:zlib';
import * as yauzl from 'yauzl';
import { fileError, type FileSource } from './tensorFile';

export interface ZipMember {
  name: string;
  /** File offset of the member's data. */
  dataStart: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Deflated (method 8); stored (method 0) otherwise. */
  deflated: boolean;
}

export async function zipMembers(source: FileSource): Promise<Map<string, ZipMember>> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(source.path, { lazyEntries: true, autoClose: false, strictFileNames: false });
  } catch (error) {
    fileError(source.path, `not a readable zip archive (${(error as Error).message})`);
  }
  const members = new Map<string, ZipMember>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        fileError(source.path, `zip member uses compression method ${entry.compressionMethod}; only stored and deflated members are read`, entry.fileName);
      }
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      members.set(entry.fileName, {
        name: entry.fileName,
        dataStart: fileDataStart,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        deflated: entry.compressionMethod === 8,
      });
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'TensorFileError') throw error;
    fileError(source.path, `corrupt zip archive (${(error as Error).message})`);
  } finally {
    zip.close();
  }
  return members;
}

/** A member's whole content (inflated when deflated). */
export function memberBytes(source: FileSource, m: ZipMember): Buffer {
  const raw = source.read(m.dataStart, m.compressedSize, m.name);
  if (!m.deflated) return raw;
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(1, m.uncompressedSize) });
  } catch (error) {
    fileError(source.path, `cannot inflate (${(error as Error).message})`, m.name);
  }
}
