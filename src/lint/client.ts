// The host's side of the lint worker: one worker, started on the first request; requests answered in order.
import { Worker } from 'node:worker_threads';
import type { LintReply, ToLintWorker } from '../protocol/lint';
import type { Finding } from './lint';
import type { RuleCode } from './rule';

export class LintClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (f: Finding[]) => void; reject: (e: Error) => void }>();

  constructor(private readonly workerPath: string) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerPath);
    w.on('message', (m: LintReply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve(m.findings);
    });
    w.on('error', (e) => this.fail(e));
    w.on('exit', () => this.fail(new Error('the lint worker stopped')));
    w.unref();
    this.worker = w;
    return w;
  }

  private fail(error: Error): void {
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  lint(key: string, text: string, select?: RuleCode[]): Promise<Finding[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.start().postMessage({ type: 'lint', id, key, text, select } satisfies ToLintWorker);
    });
  }

  forget(key: string): void {
    this.worker?.postMessage({ type: 'forget', key } satisfies ToLintWorker);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
