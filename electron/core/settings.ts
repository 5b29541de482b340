import { z } from 'zod';
import { historySettingsSchema, type HistorySettings } from '../../shared/history';
import type { Rule, ServerRecord } from '../../shared/types';
import { readJsonFile, writePrivateFileAtomic } from './secure-fs';

const stdioSpec = z
  .object({
    transport: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()),
    envPass: z.array(z.string()),
    // Settings written before the secret store existed have no such list.
    secretEnv: z.array(z.string()).default([]),
  })
  .strict();

const httpSpec = z
  .object({
    transport: z.enum(['http', 'sse']),
    url: z.string().min(1),
    headerNames: z.array(z.string()),
  })
  .strict();

export const serverRecordSchema = z
  .object({
    name: z.string().min(1),
    spec: z.discriminatedUnion('transport', [stdioSpec, httpSpec]),
    addedAt: z.string(),
    revoked: z.object({ at: z.string(), by: z.string() }).strict().optional(),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: z.string().min(1),
    server: z.string().min(1),
    tool: z.string().min(1),
    action: z.enum(['allow', 'deny', 'ask']),
    createdAt: z.string(),
    source: z.string(),
  })
  .strict();

export const DEFAULT_HOLD_BUDGET_MS = 50_000;

const settingsSchema = z
  .object({
    version: z.literal(1),
    servers: z.record(z.string(), serverRecordSchema),
    rules: z.array(ruleSchema),
    paused: z.boolean(),
    holdBudgetMs: z.number().int().min(1_000).max(3_600_000),
    trustOnFirstUse: z.boolean(),
    history: historySettingsSchema.optional(),
  })
  .strict();

export interface Settings {
  version: 1;
  servers: Record<string, ServerRecord>;
  rules: Rule[];
  paused: boolean;
  holdBudgetMs: number;
  trustOnFirstUse: boolean;
  /** Retention and OpenTelemetry export (absent: keep everything, export nothing). */
  history?: HistorySettings;
}

export function defaultSettings(): Settings {
  return { version: 1, servers: {}, rules: [], paused: false, holdBudgetMs: DEFAULT_HOLD_BUDGET_MS, trustOnFirstUse: false };
}

export class SettingsError extends Error {}

/**
 * Servers, rules and switches, in one 0600 JSON file written atomically. The file is input like
 * any other: it is validated on load, and a file that fails validation stops Airlock with a
 * clear message rather than being half-trusted.
 */
export class SettingsStore {
  private current: Settings;

  constructor(readonly file: string) {
    this.current = this.read();
  }

  private read(): Settings {
    let raw: unknown;
    try {
      raw = readJsonFile(this.file);
    } catch (error) {
      throw new SettingsError(`${(error as Error).message}. Fix it or move it aside; Airlock will not guess.`);
    }
    if (raw === undefined) return defaultSettings();
    const parsed = settingsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SettingsError(`${this.file} is not valid Airlock settings (${issue.path.join('.') || 'root'}: ${issue.message}).`);
    }
    return parsed.data as Settings;
  }

  get data(): Readonly<Settings> {
    return this.current;
  }

  /** Re-reads the file (another process may have changed it while no core was running). */
  reload(): void {
    this.current = this.read();
  }

  /** Applies a change to a copy, validates it, writes it atomically, and only then makes it current. */
  update(mutate: (draft: Settings) => void): Settings {
    const draft = structuredClone(this.current);
    mutate(draft);
    const checked = settingsSchema.parse(draft) as Settings;
    writePrivateFileAtomic(this.file, `${JSON.stringify(checked, null, 2)}\n`);
    this.current = checked;
    return checked;
  }
}
