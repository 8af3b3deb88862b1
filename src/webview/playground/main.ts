// Runs in the playground webview (browser): tabs of scenes; every number comes from the engine through
// the host. Records input→painted latencies in window.lossLabLatencies for the browser tests.
import type { FromPanel, SceneSettings, ToPanel, TrainingPreset } from '../../protocol/panel';
import { loadTranslations, t } from '../l10n';
import { EngineBridge } from './engine';
import { themeNow, type Scene, type SceneContext } from './scene';
import { tabStrip } from './tabStrip';
import { backprop } from './scenes/backprop';
import { bertObjectives } from './scenes/bertObjectives';
import { klDirections } from './scenes/klDirections';
import { masksDenominators } from './scenes/masksDenominators';
import { multiTaskBalancing } from './scenes/multiTask';
import { otherLosses } from './scenes/otherLosses';
import { preferences } from './scenes/preferences';
import { rlhfObjective } from './scenes/rlhf';
import { gradientClipping } from './scenes/gradientClipping';
import { lengthNormalization } from './scenes/lengthNormalization';
import { softmaxCrossEntropy } from './scenes/softmaxCrossEntropy';
import { trainingScene } from './scenes/training';

const vscode = acquireVsCodeApi();
const post = (m: FromPanel) => vscode.postMessage(m);
const engine = new EngineBridge(post);
interface PanelState {
  scene?: string;
  scenes?: Record<string, object>;
}
const state = (vscode.getState() as PanelState | undefined) ?? {};
const sceneStates: Record<string, object> = { ...state.scenes };
const saveState = () => vscode.setState({ ...state, scenes: sceneStates } satisfies PanelState);
const latencies: number[] = [];
// VS Code marks the page's theme on the body (vscode-light, vscode-dark, vscode-high-contrast).
// Listeners by scene, so a scene mounted again (with new settings) drops those of its previous mount.
const themeListeners = new Map<string, (() => void)[]>();
new MutationObserver(() => [...themeListeners.values()].flat().forEach((l) => l())).observe(document.body, { attributes: true, attributeFilter: ['class'] });
(window as unknown as { lossLabLatencies: number[] }).lossLabLatencies = latencies;
const ctx: SceneContext = {
  engine,
  theme: themeNow,
  painted: (ms) => latencies.push(ms),
  restore: <T extends object>(key: string, defaults: T): T => (sceneStates[key] = { ...defaults, ...(sceneStates[key] as Partial<T> | undefined) }) as T,
  save: saveState,
  onThemeChange: () => undefined, // each mount gets its own (sceneContext)
  openInNotebook: (title, code, snapshot) => vscode.postMessage({ type: 'openInNotebook', title, code, snapshot: { version: 1, title, ...snapshot } } satisfies FromPanel),
};

const app = document.getElementById('app')!;
loadTranslations(app);
const presets = JSON.parse(app.dataset.presets ?? '[]') as TrainingPreset[];
// The tabs in groups of related scenes, on one line that scrolls sideways when the panel is narrow.
const SCENE_GROUPS: { label: string; scenes: Scene[] }[] = [
  { label: t('Losses'), scenes: [softmaxCrossEntropy, klDirections, backprop, masksDenominators, otherLosses] },
  { label: t('Objectives'), scenes: [preferences, rlhfObjective, bertObjectives, lengthNormalization] },
  { label: t('Training'), scenes: [gradientClipping, multiTaskBalancing, trainingScene(presets, post, ctx.openInNotebook)] },
];
const SCENES: Scene[] = SCENE_GROUPS.flatMap((g) => g.scenes);
const nav = document.createElement('nav');
nav.setAttribute('role', 'tablist');
nav.setAttribute('aria-label', t('Scenes'));
app.appendChild(tabStrip(nav));
// A message the host refused (a bug of the panel, never the user's input): said here until the next tab.
const refused = document.createElement('div');
refused.className = 'message';
refused.setAttribute('role', 'alert');
refused.hidden = true;
app.appendChild(refused);
const mounted = new Map<string, HTMLElement>();

function select(scene: Scene): void {
  refused.hidden = true;
  for (const b of nav.querySelectorAll('button')) {
    const on = b.dataset.scene === scene.id;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    if (on) b.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
  for (const [id, el] of mounted) el.hidden = id !== scene.id;
  if (!mounted.has(scene.id)) {
    const root = document.createElement('section');
    root.dataset.scene = scene.id;
    root.setAttribute('role', 'tabpanel');
    app.appendChild(root);
    mounted.set(scene.id, root);
    const listeners: (() => void)[] = [];
    themeListeners.set(scene.id, listeners);
    scene.mount(root, { ...ctx, onThemeChange: (listener) => void listeners.push(listener) });
  }
  state.scene = scene.id;
  saveState();
  vscode.postMessage({ type: 'state', scene: scene.id } satisfies FromPanel);
}

/** Sets controls of a scene (a finding's "Open in Playground"): its saved state (kept under the scene's id) takes them, and a mounted scene is built again from it. */
function applySettings(scene: Scene, settings: SceneSettings): void {
  sceneStates[scene.id] = { ...sceneStates[scene.id], ...settings };
  saveState();
  mounted.get(scene.id)?.remove();
  mounted.delete(scene.id);
  themeListeners.delete(scene.id);
}

for (const group of SCENE_GROUPS) {
  const tabs = document.createElement('div');
  tabs.className = 'tab-group';
  tabs.setAttribute('role', 'presentation');
  tabs.title = group.label;
  for (const scene of group.scenes) {
    const b = document.createElement('button');
    b.textContent = t(scene.title);
    b.dataset.scene = scene.id;
    b.setAttribute('role', 'tab');
    b.addEventListener('click', () => select(scene));
    tabs.appendChild(b);
  }
  nav.appendChild(tabs);
}
// Left/right arrows move between tabs, as in the editor's own tab lists.
nav.addEventListener('keydown', (event) => {
  const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
  const at = SCENES.findIndex((s) => s.id === state.scene);
  if (!step || at < 0) return;
  event.preventDefault();
  const next = SCENES[(at + step + SCENES.length) % SCENES.length];
  select(next);
  nav.querySelector<HTMLButtonElement>(`button[data-scene="${next.id}"]`)?.focus();
});
select(SCENES.find((s) => s.id === state.scene) ?? SCENES[0]);

// Host messages other than op results: "show this scene", and training metrics for the scene that wants them.
window.addEventListener('message', (event: MessageEvent<ToPanel>) => {
  const m = event.data;
  if (m?.type === 'showScene') {
    const scene = SCENES.find((s) => s.id === m.scene);
    if (scene && m.settings && Object.keys(m.settings).length) applySettings(scene, m.settings);
    if (scene) select(scene);
  } else if (m?.type === 'refused') {
    refused.textContent = m.message;
    refused.hidden = false;
  } else if (m?.type === 'trainingMetrics' || m?.type === 'trainingEnd') {
    for (const scene of SCENES) scene.receive?.(m);
    // The run waits for this before it computes its next batch: it never runs far beyond what is shown.
    const step = m.type === 'trainingMetrics' ? m.batch.steps.at(-1) : undefined;
    if (step !== undefined) post({ type: 'trainingReceived', run: m.run, step });
  }
});
post({ type: 'ready' });
