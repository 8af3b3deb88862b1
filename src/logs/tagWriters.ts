// The tag-byte cache of the event-file decoder: a Summary.Value's tag bytes map straight to the writer of
// that tag's series in one run, so a point costs a hash of a few bytes and no string (a file of 2M points
// names a few thousand tags). Non-ASCII tags (a Chinese tag name) are decoded as UTF-8 once, like any other.
import { seriesOf, type Run } from './model';
import { writerOf, type SeriesWriter } from './seriesWriter';

interface TagEntry {
  bytes: Uint8Array;
  writer: SeriesWriter;
  /** Whether points were pushed since the last flush. */
  dirty: boolean;
}

const decoder = new TextDecoder();

export class TagWriters {
  /** Entries by a hash of their tag bytes; tags whose hashes collide share a list. */
  private readonly byHash = new Map<number, TagEntry[]>();
  private readonly dirty: TagEntry[] = [];

  constructor(private readonly run: Run) {}

  /** The writer of the series whose tag is the UTF-8 in bytes[start, end). */
  writer(bytes: Uint8Array, start: number, end: number): SeriesWriter {
    let hash = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
    let list = this.byHash.get(hash);
    let entry = list && find(list, bytes, start, end);
    if (!entry) {
      const tag = decoder.decode(bytes.subarray(start, end));
      // The bytes are copied: the caller reuses its chunk.
      entry = { bytes: new Uint8Array(bytes.subarray(start, end)), writer: writerOf(seriesOf(this.run, tag)), dirty: false };
      if (list) list.push(entry);
      else this.byHash.set(hash, (list = [entry]));
    }
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    return entry.writer;
  }

  /** Makes the run's series cover the points pushed since the last flush. */
  flush(): void {
    for (const entry of this.dirty) {
      entry.writer.flush();
      entry.dirty = false;
    }
    this.dirty.length = 0;
  }
}

function find(list: TagEntry[], bytes: Uint8Array, start: number, end: number): TagEntry | undefined {
  for (const entry of list) {
    const b = entry.bytes;
    if (b.length !== end - start) continue;
    let same = true;
    for (let i = 0; i < b.length && same; i++) same = b[i] === bytes[start + i];
    if (same) return entry;
  }
  return undefined;
}
