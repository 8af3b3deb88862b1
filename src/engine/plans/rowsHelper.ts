// The engine worker's second thread for the row-chunked plans, started on first use beside the engine worker's
// bundle (engine-rows-worker.js) on machines with more than one core. Jobs run one at a time.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RowsDoneMessage, RowsJobMessage } from '../../protocol/engine';
import { runGate } from '../runtime/runGate';

let helper: Worker | undefined;

/** True when a second thread can take chunks (more than one core and the helper bundle is there). */
export function hasRowsHelper(): boolean {
  return helper !== undefined || (os.availableParallelism() > 1 && existsSync(helperPath()));
}

function helperPath(): string {
  return path.join(__dirname, 'engine-rows-worker.js');
}

/** Runs `job` on the helper thread; resolves when its chunks are written, rejects if it failed or stopped. */
export function runOnRowsHelper(job: RowsJobMessage): Promise<void> {
  if (!helper) {
    helper = new Worker(helperPath(), { workerData: { gate: runGate() } });
    helper.unref();
    helper.on('exit', () => (helper = undefined));
  }
  const worker = helper;
  return new Promise<void>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the engine's rows thread stopped (exit code ${code})`));
    worker.once('exit', onExit);
    worker.once('message', (m: RowsDoneMessage) => {
      worker.off('exit', onExit);
      if (m.error) reject(new Error(m.error));
      else resolve();
    });
    worker.postMessage(job);
  });
}
