/** Image formats the importer accepts, recognised by their first bytes, not by the file name. */
export type ImageFormat = { mediaType: 'image/png'; ext: 'png' } | { mediaType: 'image/jpeg'; ext: 'jpg' };

export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return { mediaType: 'image/png', ext: 'png' };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { mediaType: 'image/jpeg', ext: 'jpg' };
  return null;
}

export const IMAGE_NAME = /\.(png|jpe?g)$/i;
