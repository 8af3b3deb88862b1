// The scene tab strip (browser): the tablist scrolls sideways when its tabs do not fit, and each edge with tabs
// beyond it fades out and shows a chevron button, as VS Code's own tab bars hint at more tabs. The state is
// two classes on the strip (more-left, more-right), so the styles stay in the nonce'd stylesheet.
import { t } from '../l10n';

/** Wraps `nav` (the tablist) in the strip and keeps its overflow cues true on scroll and resize. */
export function tabStrip(nav: HTMLElement): HTMLElement {
  const strip = document.createElement('div');
  strip.className = 'tab-strip';
  const scroller = (side: 'left' | 'right', label: string, glyph: string) => {
    const b = document.createElement('button');
    b.className = `tab-scroll ${side}`;
    b.setAttribute('aria-label', label);
    b.title = label;
    b.tabIndex = -1; // the keyboard moves between tabs with the arrow keys
    b.textContent = glyph;
    b.addEventListener('click', () => nav.scrollBy({ left: (side === 'left' ? -0.8 : 0.8) * nav.clientWidth, behavior: 'smooth' }));
    return b;
  };
  strip.append(scroller('left', t('Scroll the scenes left'), '‹'), nav, scroller('right', t('Scroll the scenes right'), '›'));
  const update = () => {
    strip.classList.toggle('more-left', nav.scrollLeft > 1);
    strip.classList.toggle('more-right', nav.scrollLeft < nav.scrollWidth - nav.clientWidth - 1);
  };
  nav.addEventListener('scroll', update, { passive: true });
  // A vertical wheel over the strip scrolls it sideways, as over the editor's tabs.
  nav.addEventListener(
    'wheel',
    (event) => {
      if (Math.abs(event.deltaY) <= Math.abs(event.deltaX) || nav.scrollWidth <= nav.clientWidth) return;
      nav.scrollLeft += event.deltaY;
      event.preventDefault();
    },
    { passive: false },
  );
  new ResizeObserver(update).observe(nav);
  return strip;
}
