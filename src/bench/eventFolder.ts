// A folder of TensorBoard runs as a large sweep writes them: `runs` run folders, one event file each, every run
// logging `tagsPerRun` scalar tags of its own for `steps` steps (one Event per point, as add_scalar writes).
// Used by the bench and the browser test of a large folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileVersionEvent, recordSize, scalarEvent, writeRecord } from '../logs/eventWriter';

export interface EventFolderShape {
  runs: number;
  tagsPerRun: number;
  /** At most 128: a step is then one varint byte, and each tag's Event a template whose numbers are set in place. */
  steps: number;
}

/** 1,000 event files, 20,000 tags, 2,000,000 scalar points. */
export const LARGE_SWEEP: EventFolderShape = { runs: 1000, tagsPerRun: 20, steps: 100 };

export const sweepRunName = (r: number) => `lr=${(1e-4 * (1 + (r % 10))).toExponential(0)}/seed=${String(r).padStart(4, '0')}`;
export const sweepTag = (r: number, k: number) => (k === 0 ? `run${r}/loss` : `run${r}/layer${k}/grad_norm`);

/** Writes the folder under `dir`; returns the event files' total bytes. */
export function writeEventFolder(dir: string, shape: EventFolderShape = LARGE_SWEEP): number {
  if (shape.steps > 128) throw new Error(`steps must be at most 128, not ${shape.steps}`);
  let bytes = 0;
  const wall0 = 1.7e9;
  const version = fileVersionEvent();
  for (let r = 0; r < shape.runs; r++) {
    // Event{wall_time (bytes 1–8), step (byte 10), summary{value{tag, simple_value (the last 4 bytes)}}}.
    const templates = Array.from({ length: shape.tagsPerRun }, (_, k) => scalarEvent(0, wall0, sweepTag(r, k), 0));
    const size = recordSize(version) + shape.steps * templates.reduce((n, t) => n + recordSize(t), 0);
    const file = new Uint8Array(size);
    let at = writeRecord(file, 0, version);
    for (let step = 0; step < shape.steps; step++) {
      templates.forEach((event, k) => {
        const dv = new DataView(event.buffer, event.byteOffset, event.byteLength);
        dv.setFloat64(1, wall0 + r * 10 + step * 0.1, true);
        event[10] = step;
        dv.setFloat32(event.length - 4, (k + 1) * Math.exp(-step / 40) + 0.05 * Math.sin(step * 0.7 + r + k), true);
        at = writeRecord(file, at, event);
      });
    }
    const runDir = path.join(dir, sweepRunName(r));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(path.join(runDir, `events.out.tfevents.${wall0 + r}.bench`), file);
    bytes += file.length;
  }
  return bytes;
}
