// "Loss Lab: Check Engine": one small cross_entropy on the engine, shown with its gradient, so a user can
// see at once that ONNX Runtime runs here.
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/client';

export async function checkEngine(engine: EngineClient): Promise<string> {
  const started = performance.now();
  const result = await engine.evaluate({
    op: 'cross_entropy',
    inputs: {
      input: { dtype: 'float32', shape: [1, 3], data: Float32Array.from([2, 1, 0.1]) },
      target: { dtype: 'int64', shape: [1], data: BigInt64Array.from([0n]) },
    },
  });
  const loss = (result.output.data as Float32Array)[0];
  const grad = Array.from(result.grad.input.data as Float32Array, (g) => g.toFixed(4)).join(', ');
  const ms = (performance.now() - started).toFixed(1);
  const message = vscode.l10n.t('Loss Lab engine (ONNX Runtime): cross_entropy([2, 1, 0.1], 0) = {0}, gradient [{1}] in {2} ms', loss.toFixed(4), grad, ms);
  void vscode.window.showInformationMessage(message);
  return message;
}
