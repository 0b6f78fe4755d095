import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { useHydrated } from '../../../components/ui/use-hydrated';
import { ReopenButton } from '../../../components/items/ReopenButton';
import { AppRouterContext } from 'next/dist/shared/lib/app-router-context.shared-runtime';

function Probe() {
  return createElement('button', { disabled: !useHydrated() }, 'act');
}

/**
 * Under load an e2e clicked "Reopen" on the server-rendered page before React had hydrated it:
 * nothing was sent, and the test waited in vain. Buttons that act only through their handler
 * come disabled in the server's HTML, so a click waits for them (a person's and Playwright's).
 */
describe('buttons before hydration', () => {
  it('the server renders them disabled', () => {
    expect(renderToString(createElement(Probe))).toMatch(/<button disabled="">act<\/button>/);
  });

  it('the reopen button is one of them', () => {
    const router = { push: () => {}, replace: () => {}, refresh: () => {}, back: () => {}, forward: () => {}, prefetch: () => {} };
    const html = renderToString(createElement(AppRouterContext.Provider, { value: router as never }, createElement(ReopenButton, { projectId: 1, annotationId: 2 })));
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="reopen"/);
  });
});
