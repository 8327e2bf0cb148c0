import type { webApi } from '@slack/bolt';
import { clipText } from '../../format/clip.ts';

type WebClient = webApi.WebClient;
/** How a Web API call is made: straight, or through the pacer that waits out Retry-After. */
export type CallVia = <T>(method: string, fn: () => Promise<T>) => Promise<T>;
const direct: CallVia = (_method, fn) => fn();

/**
 * Slack's three-step upload, done here rather than through the SDK's
 * files.uploadV2, for two reasons:
 * - files.getUploadURLExternal takes the alt text as `alt_txt` (at most 1,000
 *   characters); the SDK (web-api 8.2) sends `alt_text`, which Slack ignores,
 *   so pictures reached Slack with no alt text.
 * - Slack shares the files into the channel asynchronously after
 *   files.completeUploadExternal returns; a quiz posted at once can appear
 *   above the pictures. waitShared() waits until files.info lists the share.
 */
export const ALT_TXT_MAX = 1000;

export interface UploadItem {
  bytes: Buffer;
  filename: string;
  title: string;
  /** Screen-reader text for an image. */
  alt?: string | undefined;
}

export interface UploadDest {
  channel: string;
  threadTs?: string | undefined;
  comment?: string | undefined;
}

interface UploadUrl {
  upload_url?: string;
  file_id?: string;
}

/** The bytes to the upload URL; a 5xx or a dropped connection is tried again after 0.3, 0.6 and 1.2 s. */
async function putBytes(url: string, item: UploadItem): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    let status: number;
    try {
      const res = await fetch(url, { method: 'POST', body: new Uint8Array(item.bytes), headers: { 'content-type': 'application/octet-stream' } });
      // Drain the body so the connection is reused.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      status = res.status;
    } catch (err) {
      if (attempt >= 3) throw err;
      status = 0;
    }
    if ((status !== 0 && status < 500) || attempt >= 3) throw Object.assign(new Error(`upload of ${item.filename} failed with HTTP ${status}`), { data: { error: 'upload_failed' } });
    await new Promise((r) => setTimeout(r, 300 * 2 ** attempt * (0.5 + Math.random() / 2)));
  }
}

/** Uploads the files and shares them, together, into the channel (and thread). Resolves with the file ids. */
export async function uploadFiles(client: WebClient, items: readonly UploadItem[], dest: UploadDest, via: CallVia = direct): Promise<string[]> {
  const ids: string[] = [];
  for (const item of items) {
    const got = (await via('files.getUploadURLExternal', () =>
      client.apiCall('files.getUploadURLExternal', {
        filename: item.filename,
        length: item.bytes.length,
        ...(item.alt ? { alt_txt: clipText(item.alt, ALT_TXT_MAX) } : {}),
      }),
    )) as UploadUrl;
    if (!got.upload_url || !got.file_id) throw new Error('files.getUploadURLExternal returned no upload URL');
    await putBytes(got.upload_url, item);
    ids.push(got.file_id);
  }
  await via('files.completeUploadExternal', () =>
    client.apiCall('files.completeUploadExternal', {
      files: items.map((item, i) => ({ id: ids[i], title: item.title })),
      channel_id: dest.channel,
      ...(dest.threadTs ? { thread_ts: dest.threadTs } : {}),
      ...(dest.comment ? { initial_comment: dest.comment } : {}),
    }),
  );
  return ids;
}

interface FileShares {
  file?: { shares?: { public?: Record<string, unknown>; private?: Record<string, unknown> } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Waits until every file shows a share in `channel` (files.info, Tier 4), polling
 * at 150 ms then backing off to 1 s, for at most `maxMs`. True when all were
 * seen shared; false on time-out (the caller goes on: a late picture beats no quiz).
 */
export async function waitShared(client: WebClient, ids: readonly string[], channel: string, maxMs = 10_000, via: CallVia = direct): Promise<boolean> {
  const until = Date.now() + maxMs;
  const pending = new Set(ids);
  let wait = 150;
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const info = (await via('files.info', () => client.apiCall('files.info', { file: id }))) as FileShares;
      const shares = info.file?.shares;
      if (shares?.public?.[channel] !== undefined || shares?.private?.[channel] !== undefined) pending.delete(id);
    }
    if (pending.size === 0) return true;
    if (Date.now() + wait > until) return false;
    await sleep(wait);
    wait = Math.min(1000, wait * 2);
  }
  return true;
}
