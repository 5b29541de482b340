import { z } from 'zod';
import { historySettingsSchema, type HistorySettings } from '../../shared/history';
import type { Rule, ServerRecord } from '../../shared/types';
import { differsOnDisk, readSigned, readText, writeSigned, type Integrity, type SignedRead, type TamperReport } from './integrity';

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
    oauth: z.object({ clientId: z.string().min(1).optional(), clientMetadataUrl: z.string().min(1).optional() }).strict().optional(),
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
  /** Set when settings.json failed its integrity check: until a person accepts, Airlock falls back to asking. */
  tamper: TamperReport | undefined;
  /** The last settings Airlock wrote itself, when known (the baseline for a tamper report). */
  private trusted: Settings | undefined;
  private lastText: string | undefined;

  constructor(
    readonly file: string,
    private readonly integrity: Integrity,
  ) {
    this.current = this.read();
  }

  private parse(raw: unknown, what: string): Settings {
    const parsed = settingsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SettingsError(`${what} is not valid Airlock settings (${issue.path.join('.') || 'root'}: ${issue.message}).`);
    }
    return parsed.data as Settings;
  }

  private read(): Settings {
    let signed: SignedRead;
    try {
      this.lastText = readText(this.file);
      signed = readSigned(this.file, this.integrity);
    } catch (error) {
      throw new SettingsError(`${(error as Error).message}. Fix it or move it aside; Airlock will not guess.`);
    }
    this.tamper = signed.tamper;
    try {
      this.trusted = signed.trusted === undefined ? undefined : this.parse(signed.trusted, `${this.file}.trusted`);
    } catch {
      this.trusted = undefined;
    }
    return signed.content === undefined ? defaultSettings() : this.parse(signed.content, this.file);
  }

  get data(): Readonly<Settings> {
    return this.current;
  }

  /** The baseline a tampered file is compared with; undefined when unknown. */
  get trustedData(): Readonly<Settings> | undefined {
    return this.trusted;
  }

  /** Someone other than this store wrote the file since it last read or wrote it. */
  changedOnDisk(): boolean {
    return differsOnDisk(this.file, this.lastText);
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
    this.lastText = writeSigned(this.file, checked, this.integrity, this.tamper === undefined);
    this.current = checked;
    if (this.tamper === undefined) this.trusted = checked;
    return checked;
  }

  /** The person looked at what changed outside Airlock and accepts it: sign the current settings. */
  acceptCurrent(): void {
    this.tamper = undefined;
    this.lastText = writeSigned(this.file, this.current, this.integrity, true);
    this.trusted = this.current;
  }
}
