// Pictures chosen, pasted or dropped, made into what kefu accepts: a JPEG
// of at most 2 MiB (send_image). Other formats are drawn on a canvas and
// encoded as JPEG here, in the browser.

/** What kefu stores at most, decoded. */
export const MAX_JPEG_BYTES = 2 * 1024 * 1024;
/** Files larger than this are refused before any work. */
export const MAX_PICKED_BYTES = 20 * 1024 * 1024;

/** Why a file cannot be sent: `not_image`, `too_large`. */
export class ImageRefused extends Error {
  /** @param {"not_image" | "too_large"} reason */
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

/**
 * The file as base64 JPEG (no `data:` prefix).
 * @param {Blob} file
 * @returns {Promise<string>}
 */
export async function jpegBase64(file) {
  if (!file.type.startsWith("image/")) throw new ImageRefused("not_image");
  if (file.size > MAX_PICKED_BYTES) throw new ImageRefused("too_large");
  if (file.type === "image/jpeg" && file.size <= MAX_JPEG_BYTES) {
    return base64(file);
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageRefused("not_image");
  }
  // Shrink until it fits: first the quality, then the size.
  let scale = Math.min(1, 4096 / Math.max(bitmap.width, bitmap.height));
  for (let round = 0; round < 6; round++) {
    const jpeg = await encode(bitmap, scale, round === 0 ? 0.9 : 0.8);
    if (jpeg.size <= MAX_JPEG_BYTES) return base64(jpeg);
    scale *= 0.7;
  }
  throw new ImageRefused("too_large");
}

/** @param {ImageBitmap} bitmap @param {number} scale @param {number} quality */
async function encode(bitmap, scale, quality) {
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new ImageRefused("not_image");
  // JPEG has no transparency: a white page behind it, not black.
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
  if (!blob) throw new ImageRefused("not_image");
  return /** @type {Blob} */ (blob);
}

/** @param {Blob} blob @returns {Promise<string>} */
async function base64(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
