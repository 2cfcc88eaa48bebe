// Draws the app icon (icon.png, 512×512: electron-builder makes the .ico and .icns from it) and the tray images
// (tray/<status>.png at 16×16 and @2x), without any image library: shapes tested per pixel, 4×4 samples for smooth edges.
// Run it again after changing a shape: node resources/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The gatehouse, in a unit square (y downwards): two towers with battlements, a wall between them, an arched gate. */
function gatehouse(x, y) {
  const inRect = (x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  const tower = (x0, x1) => inRect(x0, 0.2, x1, 0.82) && !inRect(x0 + (x1 - x0) / 3, 0.2, x1 - (x1 - x0) / 3, 0.27);
  const wall = inRect(0.3, 0.38, 0.7, 0.82) && !inRect(0.44, 0.38, 0.56, 0.44);
  const gate = (inRect(0.41, 0.6, 0.59, 0.83) || Math.hypot(x - 0.5, y - 0.6) <= 0.09) && y <= 0.83;
  return (tower(0.16, 0.36) || tower(0.64, 0.84) || wall) && !gate;
}

function roundedSquare(x, y, margin, radius) {
  const dx = Math.max(margin + radius - x, 0, x - (1 - margin - radius));
  const dy = Math.max(margin + radius - y, 0, y - (1 - margin - radius));
  return x >= margin && x <= 1 - margin && y >= margin && y <= 1 - margin && Math.hypot(dx, dy) <= radius;
}

/** Renders `paint(x, y)` → [r, g, b, opacity 0…1] | null (transparent) at `size`×`size`, averaging 4×4 samples per pixel. */
function render(size, paint) {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const color = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!color) continue;
          r += color[0] * color[3]; g += color[1] * color[3]; b += color[2] * color[3]; a += color[3];
        }
      }
      const at = (py * size + px) * 4;
      pixels[at + 3] = Math.round((255 * a) / (samples * samples));
      if (a > 0) {
        pixels[at] = Math.round(r / a); pixels[at + 1] = Math.round(g / a); pixels[at + 2] = Math.round(b / a);
      }
    }
  }
  return encodePng(size, size, pixels);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** PNG (RFC 2083): 8-bit RGBA, no filtering, one zlib stream. */
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const NAVY = [30, 58, 95, 1];
const WHITE = [255, 255, 255, 1];
const GREY = [150, 156, 164, 1];
const STATUS_COLORS = { running: [46, 158, 68, 1], starting: [224, 160, 0, 1], error: [217, 48, 37, 1] };

function appIcon(x, y) {
  if (!roundedSquare(x, y, 0.04, 0.18)) return null;
  return gatehouse((x - 0.12) / 0.76, (y - 0.1) / 0.76) ? WHITE : NAVY;
}

/** The gatehouse in grey (readable on light and dark panels), with a status dot in the corner. */
function trayIcon(status) {
  return (x, y) => {
    const dot = Math.hypot(x - 0.76, y - 0.76);
    if (dot <= 0.22) return STATUS_COLORS[status];
    if (dot <= 0.29) return null;
    return gatehouse(x, y) ? GREY : null;
  };
}

fs.mkdirSync(path.join(here, 'tray'), { recursive: true });
fs.writeFileSync(path.join(here, 'icon.png'), render(512, appIcon));
for (const status of Object.keys(STATUS_COLORS)) {
  fs.writeFileSync(path.join(here, 'tray', `${status}.png`), render(16, trayIcon(status)));
  fs.writeFileSync(path.join(here, 'tray', `${status}@2x.png`), render(32, trayIcon(status)));
}
