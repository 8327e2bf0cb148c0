import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Nothing on the page comes from outside this machine: scripts, styles,
 * images and connections are all same-origin, and nothing may frame it.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  body: Buffer;
  type: string;
}

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The page's files, read once at start: a handful of small files, served from memory by URL path. */
export function loadAssets(dir: string = PUBLIC_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const asset = { body: readFileSync(join(dir, name)), type };
    assets.set(`/${name}`, asset);
    if (name === 'index.html') assets.set('/', asset);
  }
  return assets;
}

export function sendAsset(res: ServerResponse, asset: Asset, head: boolean): void {
  res.writeHead(200, { ...securityHeaders(), 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': 'no-cache' });
  res.end(head ? undefined : asset.body);
}
