import { z } from 'zod';
import type { DefinitionDiff, DefinitionKind } from '../../../shared/types';
import { differsOnDisk, readSigned, readText, writeSigned, type Integrity, type TamperReport } from '../integrity';

export interface PinRecord {
  kind: DefinitionKind;
  name: string;
  /** sha256 of the canonical JSON of the pinned view. */
  hash: string;
  /** The pinned view as approved, kept so that a later change can be shown as a diff. */
  view: unknown;
  approvedAt: string;
  by: 'person' | 'trust-on-first-use';
  /** How the definition changed when this version was approved, if it replaced an earlier one. */
  lastChange?: DefinitionDiff;
  /** Earlier approved versions, newest first (a few), so History can show what was in force for a past call. */
  history?: Array<{ hash: string; view: unknown; approvedAt: string; by: 'person' | 'trust-on-first-use' }>;
}

/** How many earlier versions of a definition are kept. */
export const PIN_HISTORY = 5;

export interface ServerPins {
  /** Fingerprint of the launch spec the pins were made for: another command is another server. */
  specHash: string;
  /** Kinds of definition (tool, prompt…) already decided on once: their first sight is over. */
  reviewedKinds: DefinitionKind[];
  approved: Record<string, PinRecord>;
  /** Definitions the person refused: key → hash. The same definition does not raise a card again. */
  rejected: Record<string, string>;
}

export interface PinsFile {
  version: 1;
  servers: Record<string, ServerPins>;
}

const definitionKind = z.enum(['tool', 'prompt', 'resource', 'resource-template', 'instructions', 'server-info']);

const pinsSchema = z
  .object({
    version: z.literal(1),
    servers: z.record(
      z.string(),
      z
        .object({
          specHash: z.string(),
          reviewedKinds: z.array(definitionKind),
          approved: z.record(
            z.string(),
            z
              .object({
                kind: definitionKind,
                name: z.string(),
                hash: z.string().regex(/^[0-9a-f]{64}$/),
                view: z.unknown(),
                approvedAt: z.string(),
                by: z.enum(['person', 'trust-on-first-use']),
                lastChange: z.unknown().optional(),
                history: z
                  .array(z.object({ hash: z.string(), view: z.unknown(), approvedAt: z.string(), by: z.enum(['person', 'trust-on-first-use']) }).strict())
                  .optional(),
              })
              .strict(),
          ),
          rejected: z.record(z.string(), z.string()),
        })
        .strict(),
    ),
  })
  .strict();

export class PinsError extends Error {}

/**
 * Approved definitions per server, in one signed 0600 JSON file written atomically. Pins edited
 * outside Airlock are not used at all: every definition counts as unapproved until a person
 * reviews it again, and the first decision replaces the edited file.
 */
export class PinStore {
  private current: PinsFile;
  tamper: TamperReport | undefined;
  private lastText: string | undefined;

  constructor(
    readonly file: string,
    private readonly integrity: Integrity,
  ) {
    this.current = this.read();
  }

  private read(): PinsFile {
    let raw: unknown;
    try {
      this.lastText = readText(this.file);
      const signed = readSigned(this.file, this.integrity);
      this.tamper = signed.tamper;
      raw = signed.tamper ? undefined : signed.content;
    } catch (error) {
      throw new PinsError(`${(error as Error).message}. Fix it or move it aside; Airlock will not guess.`);
    }
    if (raw === undefined) return { version: 1, servers: {} };
    const parsed = pinsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PinsError(`${this.file} is not a valid pin file (${issue.path.join('.') || 'root'}: ${issue.message}).`);
    }
    return parsed.data as PinsFile;
  }

  /** Someone other than this store wrote the file since it last read or wrote it. */
  changedOnDisk(): boolean {
    return differsOnDisk(this.file, this.lastText);
  }

  reload(): void {
    this.current = this.read();
  }

  get data(): Readonly<PinsFile> {
    return this.current;
  }

  server(name: string): ServerPins | undefined {
    return this.current.servers[name];
  }

  update(mutate: (draft: PinsFile) => void): void {
    const draft = structuredClone(this.current);
    mutate(draft);
    this.lastText = writeSigned(this.file, draft, this.integrity, true);
    this.current = draft;
    this.tamper = undefined;
  }
}
