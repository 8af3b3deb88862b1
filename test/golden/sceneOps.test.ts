// PyTorch references for the ops behind the later playground scenes (scripts/golden/scene_ops.py): values,
// extras and gradients through the engine worker, with the golden tolerance.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EngineClient } from '../../src/engine/client';
import { evaluateCase } from '../../src/golden/evaluateCases';
import { mismatch, parseGoldenFile } from '../../src/golden/format';
import { startEngine } from '../engineWorker';

const golden = parseGoldenFile(readFileSync(path.join(__dirname, 'sceneOps.json'), 'utf8'));

describe(`scene ops against PyTorch (${golden.cases.length} cases)`, () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  it('covers every op it is written for', () => {
    const ops = new Set(golden.cases.map((c) => c.op));
    for (const op of ['beam_score', 'clip_grad_norm_', 'clip_grad_value_', 'multi_task_gradient']) assert.ok(ops.has(op), `no case for ${op}`);
  });

  for (const c of golden.cases) {
    it(c.id, async () => {
      const result = await evaluateCase(engine, c);
      assert.equal(mismatch(result, c), undefined);
      assert.deepEqual(Object.keys('grad' in result ? result.grad : {}).sort(), Object.keys(c.expected?.grad ?? {}).sort());
    });
  }
});
