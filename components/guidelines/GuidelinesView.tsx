'use client';

import Markdown from 'react-markdown';
import type { Guidelines } from '@/lib/protocol/guidelines';

/**
 * The guidelines as an annotator reads them: Markdown rendered by react-markdown with raw HTML
 * skipped (a `<script>` in the text is dropped, never run) and only http(s) or relative links,
 * then the example items of each class.
 */
export function GuidelinesView({ guidelines }: { guidelines: Pick<Guidelines, 'markdown' | 'examples'> }) {
  const examples = Object.entries(guidelines.examples).filter(([, ids]) => ids.length > 0);
  return (
    <div className="guidelines" data-testid="guidelines-view">
      <div className="guidelines-text">
        <Markdown skipHtml urlTransform={safeUrl}>{guidelines.markdown}</Markdown>
      </div>
      {examples.length > 0 && (
        <section className="guideline-examples">
          <h3>Examples</h3>
          {examples.map(([cls, ids]) => (
            <div key={cls} className="guideline-class" data-testid="guideline-class" data-class={cls}>
              <h4>{cls}</h4>
              <div className="guideline-thumbs">
                {ids.map((id) => (
                  // eslint-disable-next-line @next/next/no-img-element
                  <img key={id} src={`/api/items/${id}/media`} alt={`${cls}: item ${id}`} className="guideline-thumb" />
                ))}
              </div>
            </div>
          ))}
        </section>
      )}
    </div>
  );
}

/** Links and images keep only web and relative addresses (no javascript:, no data:). */
function safeUrl(url: string): string {
  return /^(https?:\/\/|\/(?!\/)|#|\.{0,2}\/?[^:]*$)/i.test(url) ? url : '';
}
