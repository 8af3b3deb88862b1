// `npm install` on the Node the README names: every locked package accepts the project's minimum Node
// (no EBADENGINE warning), and the project's .npmrc holds only settings npm knows (no "Unknown project config").
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

const ROOT = path.resolve(__dirname, '../..');
const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

describe('install', () => {
  it("every package in package-lock.json supports the project's minimum Node", () => {
    const minimum = semver.minVersion(json('package.json').engines.node)!;
    assert.equal(minimum.major, 20, 'the README promises Node 20');
    const packages = json('package-lock.json').packages as Record<string, { version?: string; engines?: { node?: string } | string[] }>;
    const refusing = Object.entries(packages)
      .filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(minimum, p.engines.node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    assert.deepEqual(refusing, []);
  });

  it('npm reads the project .npmrc without an unknown-config warning, and skips install scripts', () => {
    const r = spawnSync('npm', ['config', 'get', 'ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Unknown .*config/);
    assert.equal(r.stdout.trim(), 'true');
  });
});
