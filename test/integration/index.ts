// Runs inside the VS Code extension host (loaded through extensionTestsPath): mocha over the suites below.
import Mocha from 'mocha';

export function run(): Promise<void> {
  // LOSSLAB_GREP=pattern runs only the matching tests (a quick loop over one suite).
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec', ...(process.env.LOSSLAB_GREP ? { grep: process.env.LOSSLAB_GREP } : {}) });
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  // Suites register with the globals above; each is one file.
  require('./extension.test');
  require('./views.test');
  require('./notebook.test');
  require('./playground.test');
  require('./lint.test');
  require('./inspector.test');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
