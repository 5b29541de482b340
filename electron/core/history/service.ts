import fs from 'node:fs';
import type { TrimmedRange } from '../../../shared/audit';
import type { HistoryFilter, HistoryIndexState, HistorySettings, HistorySettingsView, HistoryExport, VerifyLogReport } from '../../../shared/history';
import { historySettingsSchema, setHistorySettingsSchema } from '../../../shared/history';
import type { z } from 'zod';
import type { AuditLog } from '../audit/log';
import { firstLine, listSegments } from '../audit/segments';
import { verifyAuditLogAsync } from '../audit/verify';
import { OtlpCallExporter } from '../telemetry/otlp';
import { exportFilename, mimeTypeOf, writeExport, type ExportFormat } from './export';
import { HistoryIndex } from './index';
import { historyEntry, queryHistory, HistoryUnavailable, type HistoryQuery } from './query';
import { applyRetention } from './retention';
import { toVerifyReport } from './verify-report';

export interface HistoryServiceOptions {
  log: AuditLog;
  /** Current history settings (from the settings store). */
  settings: () => HistorySettings | undefined;
  /** Persists new history settings (atomically, in the settings store). */
  saveSettings: (next: HistorySettings) => void;
  version: string;
  /** The index state changed (for a status or progress display). */
  onIndexState?: (state: HistoryIndexState) => void;
  /** A retention trim happened. */
  onTrim?: (trim: TrimmedRange) => void;
  /** Index file (tests). */
  indexFile?: string;
}

const RETENTION_CHECK_MS = 60 * 60 * 1000;
/** How long a page may wait for the index to catch up before answering with what it has. */
const QUERY_WAIT_MS = 3000;
/** An export waits for the whole history to be indexed (a rebuild of a million records takes about a minute). */
const EXPORT_WAIT_MS = 5 * 60 * 1000;

/**
 * Everything the History screen stands on: the index (kept current from the log's appends),
 * retention, verification, export and the optional OpenTelemetry exporter. The core owns one;
 * nothing here sits on the path of a call.
 */
export class HistoryService {
  readonly index: HistoryIndex;
  private opened: Promise<void> | undefined;
  private detach: (() => void)[] = [];
  private telemetry: OtlpCallExporter | undefined;
  private retentionRunning: Promise<TrimmedRange | undefined> | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: HistoryServiceOptions) {
    this.index = new HistoryIndex({
      auditDir: options.log.dir,
      ...(options.indexFile ? { file: options.indexFile } : {}),
      ...(options.onIndexState ? { onState: options.onIndexState } : {}),
    });
  }

  private get log(): AuditLog {
    return this.options.log;
  }

  private get settings(): HistorySettings {
    return historySettingsSchema.parse(this.options.settings() ?? {});
  }

  /** Opens the index, follows the log, applies retention and starts telemetry when configured. */
  start(): Promise<void> {
    if (!this.opened) {
      // Attach first: appends made while the index opens are then either read from the segments
      // or queued, never missed.
      this.detach.push(this.index.attach(this.log));
      this.detach.push(this.log.onAppend((record) => this.telemetry?.observe(record)));
      // Deferred again so a trim never races the append that caused the rotation.
      this.detach.push(this.log.onRotate(() => void setImmediate(() => void this.runRetention())));
      this.configureTelemetry();
      this.opened = this.index.open().then(() => {
        void this.runRetention();
        this.retentionTimer = setInterval(() => void this.runRetention(), RETENTION_CHECK_MS);
        this.retentionTimer.unref();
      });
    }
    return this.opened;
  }

  // ── queries ───────────────────────────────────────────────────────────────

  /** Open, and caught up with the log unless that takes long (then pages say "rebuilding"). */
  private async ready(): Promise<void> {
    await this.start();
    await this.index.whenCaughtUp(QUERY_WAIT_MS);
  }

  async query(query: HistoryQuery): Promise<ReturnType<typeof queryHistory>> {
    await this.ready();
    return queryHistory(this.index, this.log.dir, query);
  }

  async entry(seq: number) {
    await this.ready();
    return historyEntry(this.index, this.log.dir, seq);
  }

  indexState(): HistoryIndexState {
    return this.index.state();
  }

  // ── commands ──────────────────────────────────────────────────────────────

  /** Checks the whole chain without holding the event loop (slices of ~10 ms). */
  async verify(): Promise<VerifyLogReport> {
    const started = Date.now();
    return toVerifyReport(await verifyAuditLogAsync(this.log.dir), started);
  }

  /** The filtered view as one JSONL or CSV document (capped; the HTTP export streams everything). */
  async exportView(filter: HistoryFilter, format: ExportFormat, maxRows: number): Promise<HistoryExport> {
    await this.start();
    await this.index.whenCaughtUp(EXPORT_WAIT_MS);
    const chunks: string[] = [];
    const { rows, truncated } = await writeExport(this.index, this.log.dir, filter, format, (chunk) => void chunks.push(chunk), maxRows);
    return { filename: exportFilename(format), mimeType: mimeTypeOf(format), content: chunks.join(''), rows, truncated };
  }

  /** Streams the filtered view to `write` (which may apply backpressure by returning a promise). */
  async streamExport(filter: HistoryFilter, format: ExportFormat, write: (chunk: string) => void | Promise<void>): Promise<{ rows: number }> {
    await this.start();
    await this.index.whenCaughtUp(EXPORT_WAIT_MS);
    return writeExport(this.index, this.log.dir, filter, format, write);
  }

  /** Rebuilds the index from the segments (`airlock log --reindex` while the core runs). */
  async reindex(): Promise<HistoryIndexState> {
    await this.start();
    await this.index.rebuild();
    return this.index.state();
  }

  /** Applies the retention policy now; one run at a time. */
  runRetention(now = Date.now()): Promise<TrimmedRange | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.retentionRunning) return this.retentionRunning;
    const retention = this.settings.retention;
    if (retention.maxDays === undefined && retention.maxMegabytes === undefined) return Promise.resolve(undefined);
    this.retentionRunning = applyRetention(this.log, retention, now)
      .then((trim) => {
        if (trim) {
          this.index.forgetBelow(trim.lastSeq + 1);
          this.options.onTrim?.(trim);
        }
        return trim;
      })
      .catch(() => undefined) // the log's own problem state says why; retention tries again later
      .finally(() => {
        this.retentionRunning = undefined;
      });
    return this.retentionRunning;
  }

  // ── settings ──────────────────────────────────────────────────────────────

  settingsView(): HistorySettingsView {
    const settings = this.settings;
    const segments = listSegments(this.log.dir);
    let bytes = 0;
    for (const s of segments) {
      try {
        bytes += fs.statSync(s.file).size;
      } catch {
        /* trimmed meanwhile */
      }
    }
    const first = segments[0] ? firstLine(segments[0].file) : undefined;
    const firstRecord = first ? (JSON.parse(first.text) as { seq: number; ts: string }) : undefined;
    return {
      retention: { ...settings.retention },
      ...(settings.telemetry
        ? {
            telemetry: {
              enabled: settings.telemetry.enabled,
              endpoint: settings.telemetry.endpoint,
              headerNames: Object.keys(settings.telemetry.headers),
              includeArguments: settings.telemetry.includeArguments,
            },
          }
        : {}),
      log: {
        segments: segments.length,
        bytes,
        ...(firstRecord ? { oldest: firstRecord.ts, firstSeq: firstRecord.seq } : {}),
        lastSeq: this.log.lastSeq,
      },
    };
  }

  async updateSettings(change: z.output<typeof setHistorySettingsSchema>): Promise<HistorySettingsView> {
    const current = this.settings;
    const next: HistorySettings = { ...current };
    if (change.retention !== undefined) next.retention = change.retention;
    if (change.telemetry === null) delete next.telemetry;
    else if (change.telemetry !== undefined) {
      next.telemetry = { ...change.telemetry, headers: change.telemetry.headers ?? current.telemetry?.headers ?? {} };
    }
    this.options.saveSettings(historySettingsSchema.parse(next));
    await this.configureTelemetryAsync();
    if (change.retention !== undefined) await this.runRetention();
    return this.settingsView();
  }

  // ── telemetry ─────────────────────────────────────────────────────────────

  private configureTelemetry(): void {
    void this.configureTelemetryAsync();
  }

  private async configureTelemetryAsync(): Promise<void> {
    const wanted = this.settings.telemetry;
    const previous = this.telemetry;
    this.telemetry = wanted?.enabled
      ? new OtlpCallExporter({ endpoint: wanted.endpoint, headers: wanted.headers, includeArguments: wanted.includeArguments }, this.options.version)
      : undefined;
    await previous?.shutdown();
  }

  /** Sends queued spans now (tests; before the core stops). */
  async flushTelemetry(): Promise<void> {
    await this.telemetry?.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    for (const off of this.detach.splice(0)) off();
    await this.opened?.catch(() => undefined);
    await this.retentionRunning;
    this.index.close();
    await this.telemetry?.shutdown();
    this.telemetry = undefined;
  }
}

export { HistoryUnavailable };
