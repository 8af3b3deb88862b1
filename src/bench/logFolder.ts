// Training-log folders at sweep scale: a folder of 1,000 TensorBoard event files (2,000,000 scalar points in
// 20,000 tags) loaded by the log reader against a bare loop that only CRC-checks and slices the same records,
// and the reader's RSS growth while it loads them (in a child process that only parses: see rss.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { maskedCrc32c } from '../logs/crc32c';
import { findLogFiles, loadRuns } from '../logs/files';
import { LARGE_SWEEP, writeEventFolder } from './eventFolder';
import { rssGrowthOf } from './rss';
import { time, type Report } from './timing';

/** Records of every event file, CRC-checked (length and data) and sliced: the floor of any event-file reader. */
function bareRecordLoop(files: string[]): number {
  let records = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let pos = 0; pos + 12 <= bytes.length; ) {
      const length = Number(dv.getBigUint64(pos, true));
      if (dv.getUint32(pos + 8, true) !== maskedCrc32c(bytes, pos, pos + 8)) throw new Error(`${file}: length CRC mismatch at ${pos}`);
      const end = pos + 12 + length;
      if (dv.getUint32(end, true) !== maskedCrc32c(bytes, pos + 12, end)) throw new Error(`${file}: data CRC mismatch at ${pos}`);
      if (bytes.subarray(pos + 12, end).length) records++;
      pos = end + 4;
    }
  }
  return records;
}

export async function benchLogFolder(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-bench-events-'));
  try {
    writeEventFolder(dir);
    const files = findLogFiles(dir);
    const expected = LARGE_SWEEP.runs * LARGE_SWEEP.tagsPerRun * LARGE_SWEEP.steps;
    const rss = rssGrowthOf('runs', dir);
    if (rss.points !== expected) throw new Error(`the reader found ${rss.points} points, not ${expected}`);
    const parse = await time(3, async () => () => loadRuns(dir));
    const bare = await time(3, async () => () => bareRecordLoop(files));
    const name = `load ${files.length} event files (${expected / 1e6}M points)`;
    report(name, parse, 'CRC+slice loop', bare);
    // Not a time: MB of RSS growth against the 300 MB budget (ratio ≤ 1 is within it).
    report(`${name} RSS growth`, rss.growthMb, 'budget', 300, 'MB');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
