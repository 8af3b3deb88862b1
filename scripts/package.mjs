// `npm run package [-- --target <vsce target>] [-- --out FILE.vsix]`: a per-platform VSIX (default linux-x64)
// with the bundled code and only that platform's onnxruntime-node binaries. Works from a fresh clone after
// `npm install`: nothing else needs to exist first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './vscode/tools.mjs';

const PLATFORMS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
};
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const target = option('--target') ?? 'linux-x64';
if (!PLATFORMS[target]) throw new Error(`--target must be one of ${Object.keys(PLATFORMS).join(', ')}`);

execFileSync('node', [path.join(ROOT, 'scripts/build.mjs'), '--production'], { stdio: 'inherit', cwd: ROOT });

// Leave out every onnxruntime binary folder but the target's, and the packages onnxruntime-node needs only
// for its install script (the bundles load onnxruntime-node and onnxruntime-common alone).
const binaries = path.join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6');
const otherBinaries = readdirSync(binaries)
  .flatMap((os) => readdirSync(path.join(binaries, os)).map((arch) => `${os}/${arch}`))
  .filter((p) => p !== PLATFORMS[target])
  .map((p) => `node_modules/onnxruntime-node/bin/napi-v6/${p}/**`);
const installOnly = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .map((p) => path.relative(ROOT, p))
  .filter((p) => p.startsWith('node_modules/') && !/onnxruntime-(node|common)$/.test(p))
  .map((p) => `${p}/**`);
// Leave out whatever in the checkout git does not track (local output, notes) but the build and dependencies.
const untracked = gitUntracked()
  .split('\n')
  .filter((p) => p && !/^(dist|node_modules)\//.test(p))
  .map((p) => (p.endsWith('/') ? `${p}**` : p));
const ignore = [...readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n'), ...otherBinaries, ...installOnly, ...untracked].join('\n');
// The ignore list is a file only for vsce's sake: a temporary one, outside the checkout.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'loss-lab-package-'));
const ignoreFile = path.join(scratch, `vscodeignore-${target}`);
writeFileSync(ignoreFile, ignore);

const { name, version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const out = path.resolve(option('--out') ?? path.join(ROOT, `${name}-${version}-${target}.vsix`));
try {
  execFileSync('npx', ['vsce', 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links'], {
    stdio: 'inherit',
    cwd: ROOT,
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(`${out}\n`);

function gitUntracked() {
  try {
    return execFileSync('git', ['ls-files', '--others', '--directory'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return ''; // not a git checkout: package what .vscodeignore lets through
  }
}
