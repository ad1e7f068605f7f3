#!/usr/bin/env node
// Draws images/icon.png (128×128, the extension's icon): a violet rounded square with a pair of
// white parentheses around a golden spark. No image library: the pixels are computed here and
// written as an 8-bit RGBA PNG with node:zlib.
//
//   node scripts/gen-icon.mjs            write images/icon.png
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = 128;
const SS = 4; // supersampling per axis

// Signed-distance helpers (negative inside).
const roundedSquare = (x, y, half, r) => {
  const qx = Math.abs(x) - half + r;
  const qy = Math.abs(y) - half + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
// A parenthesis: a ring segment (circle of radius R around (cx, 0), thickness t), |y| <= h.
const paren = (x, y, cx, R, t, h, left) => {
  const d = Math.abs(Math.hypot(x - cx, y) - R) - t / 2;
  const side = left ? x < cx : x > cx;
  return side && Math.abs(y) <= h ? d : Infinity;
};
// A four-pointed star (spark) of radius r.
const spark = (x, y, r) => {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  return Math.pow(ax / r, 0.5) + Math.pow(ay / r, 0.5) - 1;
};

function colorAt(px, py) {
  // coordinates in [-1, 1]
  const x = (px / N) * 2 - 1;
  const y = (py / N) * 2 - 1;
  if (roundedSquare(x, y, 0.96, 0.22) > 0) return [0, 0, 0, 0];
  // background: violet gradient
  const g = (y + 1) / 2;
  let c = [Math.round(88 - 30 * g), Math.round(48 - 20 * g), Math.round(170 - 50 * g), 255];
  const white = [245, 240, 255, 255];
  if (paren(x, y, 0.45, 1.05, 0.14, 0.62, true) < 0 || paren(x, y, -0.45, 1.05, 0.14, 0.62, false) < 0) c = white;
  if (spark(x, y, 0.34) < 0) c = [255, 196, 64, 255];
  return c;
}

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let py = 0; py < N; py++) {
  raw[py * (N * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < N; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colorAt(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        // premultiplied accumulation
        for (let k = 0; k < 3; k++) acc[k] += (c[k] * c[3]) / 255;
        acc[3] += c[3];
      }
    }
    const a = acc[3] / (SS * SS);
    const o = py * (N * 4 + 1) + 1 + px * 4;
    for (let k = 0; k < 3; k++) raw[o + k] = a > 0 ? Math.round((acc[k] / (SS * SS)) * (255 / a)) : 0;
    raw[o + 3] = Math.round(a);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(root, 'images', 'icon.png');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
