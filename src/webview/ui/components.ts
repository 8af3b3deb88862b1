// The one module that knows the UI component library (@vscode/webview-ui-toolkit 1.4, archived upstream):
// everything else builds controls through these functions, so moving to its successor touches this file only.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption());

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'secondary'): HTMLElement {
  const el = document.createElement('vscode-button');
  el.setAttribute('appearance', appearance);
  el.textContent = label;
  el.addEventListener('click', onClick);
  return el;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const el = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  el.textContent = label;
  el.checked = checked;
  el.addEventListener('change', () => onChange(el.checked));
  return el;
}

export function dropdown<T extends string>(label: string, options: { value: T; label: string }[], value: T, onChange: (value: T) => void): HTMLElement {
  const wrap = document.createElement('label');
  wrap.className = 'control';
  wrap.append(`${label} `);
  const el = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  el.setAttribute('aria-label', label);
  wrap.appendChild(el);
  setDropdownOptions(wrap, options, value);
  el.addEventListener('change', () => onChange(el.value as T));
  return wrap;
}

/** Replaces the options of a `dropdown` (its wrapper) and selects `value`. */
export function setDropdownOptions<T extends string>(wrap: HTMLElement, options: { value: T; label: string }[], value: T): void {
  const el = wrap.querySelector('vscode-dropdown') as HTMLElement & { value: string };
  el.replaceChildren(
    ...options.map((o) => {
      const opt = document.createElement('vscode-option');
      opt.setAttribute('value', o.value);
      opt.textContent = o.label;
      return opt;
    }),
  );
  el.value = value;
}

/** A labelled range input (the toolkit has no slider); keyboard-operable like any native range. */
export function slider(label: string, min: number, max: number, step: number, value: number, onInput: (value: number) => void): HTMLElement {
  const wrap = document.createElement('label');
  wrap.className = 'control';
  const input = document.createElement('input');
  input.type = 'range';
  Object.assign(input, { min: String(min), max: String(max), step: String(step), value: String(value) });
  input.setAttribute('aria-label', label);
  const shown = document.createElement('output');
  shown.textContent = String(value);
  input.addEventListener('input', () => {
    shown.textContent = input.value;
    onInput(Number(input.value));
  });
  wrap.append(`${label} `, input, shown);
  return wrap;
}

/** A control row: `text` beside a native element (a select, a text or number field). */
export function labelled(text: string, el: HTMLElement): HTMLElement {
  const wrap = document.createElement('label');
  wrap.className = 'control';
  wrap.append(text, el);
  return wrap;
}
