// `losslab lint` as CI runs it (the built CLI in a child process): each output format, --select, exit codes,
// folders walked with .gitignore honoured, notebooks, a file that does not parse.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../bin/losslab.js');

const LL002 = `import torch
import torch.nn.functional as F

def step(z, y):
    return F.binary_cross_entropy_with_logits(torch.sigmoid(z), y)
`;
const CLEAN = `import torch.nn.functional as F

def step(z, y):
    return F.binary_cross_entropy_with_logits(z, y)
`;

function lint(cwd: string, ...args: string[]) {
  const r = spawnSync('node', [CLI, 'lint', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('losslab lint', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'losslab-lint-'));
    mkdirSync(path.join(dir, 'src/vendor'), { recursive: true });
    mkdirSync(path.join(dir, 'build'));
    writeFileSync(path.join(dir, 'src/train.py'), LL002);
    writeFileSync(path.join(dir, 'src/clean.py'), CLEAN);
    writeFileSync(path.join(dir, 'src/vendor/copied.py'), LL002);
    writeFileSync(path.join(dir, 'build/gen.py'), LL002);
    writeFileSync(path.join(dir, 'notes.txt'), LL002);
    writeFileSync(path.join(dir, '.gitignore'), 'build/\n');
    writeFileSync(path.join(dir, 'src/.gitignore'), 'vendor\n');
    const nb = { cells: [{ cell_type: 'code', source: ['%matplotlib inline\n', 'import torch.nn.functional as F\n'] }, { cell_type: 'markdown', source: '# loss' }, { cell_type: 'code', source: 'p = logits.softmax(-1)\nloss = F.cross_entropy(p, y)\n' }], metadata: { language_info: { name: 'python' } }, nbformat: 4 };
    writeFileSync(path.join(dir, 'src/explore.ipynb'), JSON.stringify(nb));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('text: ruff-like path:line:col: CODE message; folders walked, .gitignore honoured; exit 1', () => {
    const r = lint(dir, '.');
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.replace(/: (LL\d{3}) .*/, ': $1')), [`${path.join('src', 'explore.ipynb')}:cell 3:2:8: LL001`, `${path.join('src', 'train.py')}:5:12: LL002`]);
    assert.match(lines[1], /sigmoid itself.*drop the sigmoid/);
    assert.doesNotMatch(r.out, /vendor|build|notes/);
  });

  it('json: a list of {file, line, column, code, message}, 1-based, at the call that gets the bad value', () => {
    const r = lint(dir, 'src/train.py', 'src/clean.py', '--format', 'json');
    assert.equal(r.code, 1);
    const findings = JSON.parse(r.out);
    assert.equal(findings.length, 1);
    assert.deepEqual(Object.keys(findings[0]), ['file', 'line', 'column', 'code', 'message']);
    assert.deepEqual({ ...findings[0], message: undefined }, { file: 'src/train.py', line: 5, column: 12, code: 'LL002', message: undefined });
  });

  it('sarif: SARIF 2.1.0 with the rules and one result per finding', () => {
    const r = lint(dir, 'src', '--format=sarif');
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'losslab');
    assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), ['LL001', 'LL002', 'LL003', 'LL004', 'LL005', 'LL006', 'LL007', 'LL008']);
    const results = run.results.map((x: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }) => [x.ruleId, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine]);
    assert.deepEqual(results, [['LL001', 'src/explore.ipynb', 2], ['LL002', 'src/train.py', 5]]);
  });

  it('--select keeps only the chosen rules; no findings → exit 0 and no output', () => {
    const r = lint(dir, 'src', '--select', 'LL004,LL005');
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.out, '');
    assert.equal(lint(dir, 'src/clean.py').code, 0);
  });

  it('exit 2 on usage errors, naming the bad argument', () => {
    const cases: [string[], RegExp][] = [
      [[], /no PATH/],
      [['src', '--format', 'xml'], /--format must be text, json or sarif, got 'xml'/],
      [['src', '--select', 'LL042'], /unknown rule code 'LL042'/],
      [['missing.py'], /missing\.py: no such file/],
      [['src', '--fix'], /unknown option '--fix'/],
    ];
    for (const [args, message] of cases) {
      const r = lint(dir, ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, message);
    }
  });

  it('exit 2 for a file that does not parse, named with its position; the other files are still linted', () => {
    writeFileSync(path.join(dir, 'broken.py'), 'def f(:\n    return 1\n');
    writeFileSync(path.join(dir, 'bad.ipynb'), '{not json');
    try {
      const r = lint(dir, 'broken.py', 'bad.ipynb', 'src/train.py');
      assert.equal(r.code, 2);
      assert.match(r.err, /broken\.py:1:\d+: syntax error/);
      assert.match(r.err, /bad\.ipynb: not a notebook/);
      assert.match(r.out, /train\.py:5:12: LL002/);
    } finally {
      rmSync(path.join(dir, 'broken.py'));
      rmSync(path.join(dir, 'bad.ipynb'));
    }
  });
});
