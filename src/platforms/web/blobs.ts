import { randomBytes } from 'node:crypto';

export interface Blob {
  bytes: Buffer;
  mime: string;
  /** The file name offered on download (images are shown inline instead). */
  name: string;
}

/**
 * The bytes of pictures and exported files, kept in memory only while the
 * page may still show them: least recently used first out, bounded by bytes
 * and by count. Ids are random, so a private export cannot be guessed.
 */
export class BlobCache {
  private readonly items = new Map<string, Blob>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxItems: number,
  ) {}

  put(blob: Blob): string {
    const id = randomBytes(12).toString('base64url');
    this.items.set(id, blob);
    this.bytes += blob.bytes.length;
    for (const [oldId, old] of this.items) {
      if (this.bytes <= this.maxBytes && this.items.size <= this.maxItems) break;
      if (oldId === id) break;
      this.items.delete(oldId);
      this.bytes -= old.bytes.length;
    }
    return id;
  }

  get(id: string): Blob | null {
    const blob = this.items.get(id);
    if (!blob) return null;
    this.items.delete(id);
    this.items.set(id, blob);
    return blob;
  }

  get size(): { items: number; bytes: number } {
    return { items: this.items.size, bytes: this.bytes };
  }

  clear(): void {
    this.items.clear();
    this.bytes = 0;
  }
}
