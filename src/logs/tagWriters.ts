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
  /** The entry asked for after this one last time: writers log their tags in the same order every step. */
  next: TagEntry | undefined;
}

const decoder = new TextDecoder();

export class TagWriters {
  /** Entries by a hash of their tag bytes; tags whose hashes collide share a list. */
  private readonly byHash = new Map<number, TagEntry[]>();
  private readonly dirty: TagEntry[] = [];
  private last: TagEntry | undefined;

  constructor(private readonly run: Run) {}

  /** The writer of the series whose tag is the UTF-8 in bytes[start, end). */
  writer(bytes: Uint8Array, start: number, end: number): SeriesWriter {
    const guess = this.last?.next;
    const entry = guess && sameBytes(guess.bytes, bytes, start, end) ? guess : this.lookUp(bytes, start, end);
    if (this.last) this.last.next = entry;
    this.last = entry;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    return entry.writer;
  }

  private lookUp(bytes: Uint8Array, start: number, end: number): TagEntry {
    let hash = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
    const list = this.byHash.get(hash);
    const known = list && list.find((entry) => sameBytes(entry.bytes, bytes, start, end));
    if (known) return known;
    const tag = decoder.decode(bytes.subarray(start, end));
    // The bytes are copied: the caller reuses its chunk.
    const entry: TagEntry = { bytes: new Uint8Array(bytes.subarray(start, end)), writer: writerOf(seriesOf(this.run, tag)), dirty: false, next: undefined };
    if (list) list.push(entry);
    else this.byHash.set(hash, [entry]);
    return entry;
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

function sameBytes(a: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== bytes[start + i]) return false;
  return true;
}
