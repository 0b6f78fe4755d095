'use client';

import type { EditorProps } from '../editor-props';

export function SpatialEditor({ placeholder }: EditorProps) {
  return <div className="stage">{placeholder}</div>;
}
