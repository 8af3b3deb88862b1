// ONNX Runtime sessions called synchronously, for the tensor engine's ORT thread. onnxruntime-node's public
// `InferenceSession.create` and `session.run` wrap synchronous native calls in a setImmediate each; a thread
// that does nothing but run sessions gains nothing from that and pays an event-loop turn per run (measured on
// a 200-step nn.Linear training loop: 15–25 % of its steps/s). This is the one place that reaches past the
// public API, to the native binding of the pinned onnxruntime-node (package.json), with the same arguments
// its own wrapper passes: feeds and outputs are ort.Tensor objects, errors are the native ones.
import * as ort from 'onnxruntime-node';

interface NativeInferenceSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: ort.InferenceSession.SessionOptions): void;
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, ort.Tensor | null>, options: ort.InferenceSession.RunOptions): Record<string, ort.Tensor>;
  dispose(): void;
}

interface NativeBinding {
  binding: { InferenceSession: new () => NativeInferenceSession };
  initOrt(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const native = require('onnxruntime-node/dist/binding') as NativeBinding;

export class SyncSession {
  private readonly session: NativeInferenceSession;

  constructor(model: Uint8Array, options: ort.InferenceSession.SessionOptions) {
    native.initOrt();
    this.session = new native.binding.InferenceSession();
    this.session.loadModel(model.buffer, model.byteOffset, model.byteLength, options);
  }

  /** The outputs named in `fetch` (each a graph output), computed from `feeds` (every graph input). */
  run(feeds: Record<string, ort.Tensor>, fetch: readonly string[]): Record<string, ort.Tensor> {
    const fetches: Record<string, null> = {};
    for (const name of fetch) fetches[name] = null;
    return this.session.run(feeds, fetches, {});
  }

  release(): void {
    this.session.dispose();
  }
}
