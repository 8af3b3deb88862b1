// Tests compute notebook tensors the way the product does: on a SyncEngine running the bundled ORT thread.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { SyncEngine, useEngine } from '../src/tensor';

export const TENSOR_WORKER_PATH = path.resolve(__dirname, '../dist/tensor-worker.js');

export function useTestEngine(): SyncEngine {
  if (!existsSync(TENSOR_WORKER_PATH)) throw new Error(`${TENSOR_WORKER_PATH} is missing: run \`npm run build\` first (npm test does)`);
  const engine = new SyncEngine({ workerPath: TENSOR_WORKER_PATH });
  useEngine(engine);
  return engine;
}
