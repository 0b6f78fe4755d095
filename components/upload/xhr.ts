'use client';

import type { UploadTally } from '@/lib/import/upload';
import { UploadError, type SendBatch } from './run';

/** No answer within this long after the body has left counts as a dropped connection (the batch is sent again). */
const ANSWER_TIMEOUT_MS = 120_000;

/**
 * One batch as multipart/form-data over XMLHttpRequest, whose upload progress events count
 * the bytes that actually left the browser (fetch has no upload progress).
 */
export function xhrSender(projectId: number): SendBatch {
  return (meta, files, onSent) => new Promise<UploadTally>((resolve, reject) => {
    const form = new FormData();
    form.append('meta', JSON.stringify(meta));
    // The server reads names from `meta`: the part's file name is only a placeholder.
    files.forEach((f, i) => form.append('file', f.data as Blob, `file-${i}`));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/projects/${projectId}/uploads`);
    xhr.timeout = ANSWER_TIMEOUT_MS;
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onSent(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => {
      const body = xhr.response as (UploadTally & { error?: { message?: string } }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body.added === 'number') return resolve(body);
      const message = body?.error?.message ?? (xhr.status === 413 ? 'the upload is larger than the server takes' : `the server answered ${xhr.status}`);
      reject(new UploadError(message, xhr.status || 500));
    };
    xhr.onerror = () => reject(new UploadError('the connection dropped', 0));
    xhr.ontimeout = () => reject(new UploadError('no answer from the server', 0));
    xhr.send(form);
  });
}
