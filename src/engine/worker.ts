// Runs in a worker_threads Worker: the only caller of ORT's session.run.
export {};
