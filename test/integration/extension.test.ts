// The extension inside a real VS Code: activation, commands, the engine worker answering from the host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LossLabApi } from '../../src/extension/main';

const EXTENSION_ID = 'loss-lab.loss-lab';

describe('Loss Lab in VS Code', () => {
  let api: LossLabApi;

  it('activates, without loading onnxruntime in the extension host', async () => {
    const extension = vscode.extensions.getExtension<LossLabApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(api.engineStarted, false, 'activation must not start the engine worker');
    const loaded = Object.keys(require.cache).filter((m) => m.includes('onnxruntime'));
    assert.deepEqual(loaded, [], 'onnxruntime-node is only ever loaded by the engine worker');
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 0);
    for (const id of contributed) assert.ok(commands.includes(id), `${id} is registered`);
  });

  it('computes on the engine worker from inside the host', async () => {
    const result = await api.evaluate({
      op: 'cross_entropy',
      inputs: {
        input: { dtype: 'float32', shape: [1, 3], data: Float32Array.from([2, 1, 0.1]) },
        target: { dtype: 'int64', shape: [1], data: BigInt64Array.from([0n]) },
      },
    });
    assert.ok(Math.abs((result.output.data as Float32Array)[0] - 0.41703) < 1e-4);
    assert.equal(api.engineStarted, true);
    assert.equal(Object.keys(require.cache).filter((m) => m.includes('onnxruntime')).length, 0);
  });

  it('survives a bad request and keeps serving', async () => {
    await assert.rejects(
      api.evaluate({
        op: 'cross_entropy',
        inputs: {
          input: { dtype: 'float32', shape: [1, 3], data: Float32Array.from([2, 1, 0.1]) },
          target: { dtype: 'int64', shape: [1], data: BigInt64Array.from([7n]) },
        },
      }),
      /Target 7 is out of bounds for 3 classes/,
    );
    const ok = await api.evaluate({ op: 'softmax', inputs: { input: { dtype: 'float32', shape: [2], data: Float32Array.from([0, 0]) } } });
    assert.deepEqual([...(ok.output.data as Float32Array)], [0.5, 0.5]);
  });

  it('runs "Loss Lab: Check Engine" from the command palette command', async () => {
    const message = await vscode.commands.executeCommand<string>('lossLab.checkEngine');
    assert.match(message, /cross_entropy\(\[2, 1, 0\.1\], 0\) = 0\.4170/);
  });
});
