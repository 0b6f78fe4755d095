import dynamic from 'next/dynamic';

/**
 * The box and skeleton editor on its own (spatial/AnswerEditor.tsx), for pages outside the
 * labeling loop. fabric touches `window` when it loads: loaded in the browser only.
 */
export const AnswerEditor = dynamic(() => import('./spatial/AnswerEditor').then((m) => m.AnswerEditor), { ssr: false });
