import { TandemError } from '../../lib/errors';

/**
 * An upload's multipart body, parsed by the platform's own parser (undici's FormData): the
 * `meta` part as JSON (still to be checked by its schema), and the `file` parts' bytes in order.
 * The body was already read within its limit, so parsing holds no more than that in memory.
 */
export async function readUploadForm(bytes: Buffer, contentType: string): Promise<{ meta: unknown; files: Uint8Array[] }> {
  let form: FormData;
  try {
    form = await new Response(bytes as unknown as BodyInit, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new TandemError('bad_request', 'the upload is not well-formed multipart/form-data; send it from the project page\'s upload area');
  }
  const metaPart = form.get('meta');
  if (typeof metaPart !== 'string') throw new TandemError('bad_request', 'the upload has no "meta" part (JSON naming its files)');
  let meta: unknown;
  try {
    meta = JSON.parse(metaPart);
  } catch {
    throw new TandemError('bad_request', 'the upload\'s "meta" part is not valid JSON');
  }
  const files: Uint8Array[] = [];
  for (const part of form.getAll('file')) {
    if (typeof part === 'string') throw new TandemError('bad_request', 'a "file" part of the upload is text, not a file');
    files.push(new Uint8Array(await part.arrayBuffer()));
  }
  return { meta, files };
}
