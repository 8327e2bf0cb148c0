import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (each Slack workspace's bot token) are sealed with
 * AES-256-GCM under GRADBOT_SECRET_KEY: a copied database file, or a backup,
 * gives nobody a token. Each value carries its own random 96-bit nonce and
 * the GCM tag, and is bound to the row it belongs to (the associated data),
 * so a sealed token moved to another workspace's row does not open.
 */
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const SECRET_KEY_HINT = 'make one with: openssl rand -base64 32 (or node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))")';

/** Why a key cannot be used, or the 32 key bytes. Accepts base64 (44 characters) or hex (64). */
export function parseSecretKey(raw: string | undefined): { ok: true; key: Buffer } | { ok: false; problem: string } {
  const s = (raw ?? '').trim();
  if (s === '') return { ok: false, problem: `GRADBOT_SECRET_KEY is required to keep Slack tokens encrypted at rest; ${SECRET_KEY_HINT}` };
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== KEY_BYTES) {
    return { ok: false, problem: `GRADBOT_SECRET_KEY must be 32 random bytes as base64 (44 characters) or hex (64); ${SECRET_KEY_HINT}` };
  }
  return { ok: true, key };
}

/** The value did not open: another key, another row, or damaged. */
export class SealError extends Error {
  override name = 'SealError';
}

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`SecretBox needs a ${KEY_BYTES}-byte key`);
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url; `context` names the row (e.g. the workspace) and must match to open. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SealError('not a sealed value this version of gradbot understands');
    const [, iv, tag, body] = parts as [string, string, string, string];
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SealError('sealed value is damaged');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('sealed value does not open with this GRADBOT_SECRET_KEY (another key, another row, or damaged)');
    }
  }
}
