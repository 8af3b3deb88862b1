// Every PyTorch reference case (values, extra outputs and gradients) through the engine worker.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EngineClient } from '../../src/engine/client';
import { evaluateCase } from '../../src/golden/evaluateCases';
import { mismatch, parseGoldenFile } from '../../src/golden/format';
import { startEngine } from '../engineWorker';

const golden = parseGoldenFile(readFileSync(path.join(__dirname, 'public.json'), 'utf8'));

describe(`golden cases (${golden.cases.length}, PyTorch ${'torch_version' in golden ? String((golden as { torch_version?: string }).torch_version) : ''})`, () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  it('has all 162 public cases', () => assert.equal(golden.cases.length, 162));

  for (const c of golden.cases) {
    it(c.id, async () => {
      const result = await evaluateCase(engine, c);
      assert.equal(mismatch(result, c), undefined);
      assert.deepEqual(Object.keys('grad' in result ? result.grad : {}).sort(), Object.keys(c.expected?.grad ?? {}).sort());
    });
  }
});
