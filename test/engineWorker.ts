// Tests reach the engine the way the product does: through EngineClient and the bundled worker.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EngineClient, type EngineClientOptions } from '../src/engine/client';

export const WORKER_PATH = path.resolve(__dirname, '../dist/engine-worker.js');

export function startEngine(options: Omit<EngineClientOptions, 'workerPath'> = {}): EngineClient {
  if (!existsSync(WORKER_PATH)) throw new Error(`${WORKER_PATH} is missing: run \`npm run build\` first (npm test does)`);
  return new EngineClient({ ...options, workerPath: WORKER_PATH });
}
