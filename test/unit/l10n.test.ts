// 简体中文 covers every string the UI translates: each literal t('…') of the webviews, each scene's title (the
// playground's tabs show t(scene.title)) and vscode.l10n.t('…') of the host is a key of the zh-cn bundle with the
// same {n} placeholders, and package.nls.zh-cn.json has every key of package.nls.json.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const bundle = JSON.parse(readFileSync(path.join(ROOT, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(path.join(ROOT, dir, f), 'utf8'));
}

/** The literal first arguments of `call(` in `text`: '…', "…" or `…` without ${}. */
function literalKeys(text: string, call: RegExp): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(new RegExp(`${call.source}\\(\\s*(['"\`])((?:\\\\.|(?!\\1).)*)\\1\\s*[,)]`, 'g'))) {
    if (m[1] === '`' && m[2].includes('${')) continue;
    keys.push(m[2].replace(/\\(['"`\\])/g, '$1'));
  }
  return keys;
}

const placeholders = (s: string) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort().join(' ');

describe('简体中文 translations', () => {
  const webview = sources('src/webview').flatMap((t) => literalKeys(t, /(?<![\w.])t/));
  const host = sources('src/extension').flatMap((t) => literalKeys(t, /vscode\.l10n\.t/));
  const sceneTitles = sources('src/webview/playground/scenes').flatMap((t) => [...t.matchAll(/^\s*title: '([^']+)',$/gm)].map((m) => m[1]));

  it('finds the strings it checks', () => {
    assert.ok(webview.length > 80, `webview strings: ${webview.length}`);
    assert.ok(host.length > 10, `host strings: ${host.length}`);
    assert.ok(webview.includes('Open in notebook') && host.includes('Training {0}'));
    assert.ok(sceneTitles.length >= 7 && sceneTitles.includes('Softmax & cross-entropy'), `scene titles: ${sceneTitles.join(', ')}`);
  });

  it('has every webview string, scene title and host string, with the same placeholders', () => {
    const missing = [...new Set([...webview, ...sceneTitles, ...host])].filter((k) => !(k in bundle));
    assert.deepEqual(missing, []);
    for (const [key, value] of Object.entries(bundle)) assert.equal(placeholders(value), placeholders(key), `${key} → ${value}`);
  });

  it('translates every package.nls.json entry (commands, settings, walkthrough)', () => {
    const en = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const zh = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(en).filter((k) => !zh[k]), []);
  });
});
