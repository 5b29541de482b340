import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writePrivateFileAtomic } from '../secure-fs';

export const HOST_TOKEN_PREFIX = 'airlock_ht_';
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const fileSchema = z
  .object({
    version: z.literal(1),
    tokens: z.array(z.object({ label: z.string().regex(LABEL), sha256: z.string().regex(/^[0-9a-f]{64}$/), createdAt: z.string() }).strict()),
  })
  .strict();
type TokenFile = z.infer<typeof fileSchema>;

export interface HostTokenView {
  label: string;
  createdAt: string;
}

export class HostTokenError extends Error {}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Bearer secrets for hosts that reach Airlock over HTTP, one per host (label). Only a SHA-256 of
 * each is kept — the secret is 32 random bytes, so a fast hash loses nothing — in a 0600 file
 * written atomically. A token lets a host connect to the ingress; it approves nothing: every call
 * still stops at a card. The file is re-read when it changes, so a revocation made by another
 * process takes effect on the next request.
 */
export class HostTokenStore {
  readonly file: string;
  private cache: { mtimeMs: number; size: number; data: TokenFile } | undefined;

  constructor(home: string) {
    this.file = path.join(home, 'host-tokens.json');
  }

  private load(): TokenFile {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch {
      return { version: 1, tokens: [] };
    }
    if (this.cache && this.cache.mtimeMs === stat.mtimeMs && this.cache.size === stat.size) return this.cache.data;
    const parsed = fileSchema.safeParse(readJsonFile(this.file));
    // A damaged file admits nobody (fail closed) and says so when someone tries to change it.
    if (!parsed.success) throw new HostTokenError(`${this.file} is damaged; Airlock admits no HTTP host until it is fixed or removed`);
    this.cache = { mtimeMs: stat.mtimeMs, size: stat.size, data: parsed.data };
    return parsed.data;
  }

  private save(data: TokenFile): void {
    writePrivateFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`);
    this.cache = undefined;
  }

  list(): HostTokenView[] {
    return this.load().tokens.map(({ label, createdAt }) => ({ label, createdAt }));
  }

  /** Creates a token for a label; the secret is returned once and never stored. */
  create(label: string): { label: string; token: string } {
    if (!LABEL.test(label)) throw new HostTokenError(`invalid label "${label}": use 1–64 letters, digits, '.', '_' or '-'`);
    const data = this.load();
    if (data.tokens.some((t) => t.label.toLowerCase() === label.toLowerCase())) {
      throw new HostTokenError(`a host token labelled "${label}" exists; revoke it first (airlock token revoke ${label})`);
    }
    const token = `${HOST_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    this.save({ version: 1, tokens: [...data.tokens, { label, sha256: digest(token).toString('hex'), createdAt: new Date().toISOString() }] });
    return { label, token };
  }

  revoke(label: string): boolean {
    const data = this.load();
    const kept = data.tokens.filter((t) => t.label !== label);
    if (kept.length === data.tokens.length) return false;
    this.save({ version: 1, tokens: kept });
    return true;
  }

  /** The label of the token presented, compared in constant time against every stored hash; undefined when none matches. */
  verify(presented: string | undefined): string | undefined {
    if (presented === undefined) return undefined;
    let tokens: TokenFile['tokens'];
    try {
      tokens = this.load().tokens;
    } catch {
      return undefined;
    }
    const given = digest(presented);
    let match: string | undefined;
    for (const t of tokens) if (timingSafeEqual(given, Buffer.from(t.sha256, 'hex'))) match = t.label;
    return match;
  }
}
