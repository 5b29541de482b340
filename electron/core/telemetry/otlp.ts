import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { AuditRecord } from '../../../shared/audit';
import type { CallRecord, ResultRecord } from '../../../shared/history';
import { callAttributes, spanName } from './attributes';

export interface OtlpSettings {
  endpoint: string;
  headers: Record<string, string>;
  includeArguments: boolean;
}

/** Forwarded calls waiting for their result; beyond this the oldest is exported without one. */
const MAX_OPEN_CALLS = 10_000;

/**
 * Optional export of call records as OpenTelemetry spans over OTLP/HTTP (JSON), with the official
 * SDK: one span per call, from the decision to the result, named and attributed per the GenAI /
 * MCP semantic conventions. The batch processor's bounded queue drops spans rather than hold
 * memory when the collector is slow or gone; nothing here can slow or fail a call.
 */
export class OtlpCallExporter {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly open = new Map<string, CallRecord>();

  constructor(
    private readonly settings: OtlpSettings,
    version: string,
  ) {
    const exporter = new OTLPTraceExporter({ url: settings.endpoint, headers: settings.headers, timeoutMillis: 10_000 });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'airlock', [ATTR_SERVICE_VERSION]: version }),
      spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 2000 })],
    });
    this.tracer = this.provider.getTracer('airlock', version);
  }

  /** Looks at every appended record; spans are made for calls (at their result, or at a refusal). */
  observe(record: AuditRecord): void {
    if (record.type === 'call') {
      if (record.outcome !== undefined || record.decision === 'deny') return this.emit(record, undefined);
      this.open.set(record.call, record);
      if (this.open.size > MAX_OPEN_CALLS) {
        const [oldestId, oldest] = this.open.entries().next().value as [string, CallRecord];
        this.open.delete(oldestId);
        this.emit(oldest, undefined);
      }
    } else if (record.type === 'result') {
      const call = this.open.get(record.call);
      if (!call) return;
      this.open.delete(record.call);
      this.emit(call, record);
    }
  }

  private emit(call: CallRecord, result: ResultRecord | undefined): void {
    const start = Date.parse(call.ts);
    const end = result ? Date.parse(result.ts) : start;
    const span = this.tracer.startSpan(
      spanName(call),
      { kind: SpanKind.SERVER, startTime: start, attributes: callAttributes(call, result, this.settings.includeArguments) },
      ROOT_CONTEXT,
    );
    const outcome = result?.outcome ?? call.outcome;
    if (outcome === 'tool-error' || outcome === 'rpc-error' || outcome === 'upstream-failed') {
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    }
    span.end(Math.max(start, end));
  }

  /** Sends whatever is queued now (tests, and before the core stops). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    for (const call of this.open.values()) this.emit(call, undefined);
    this.open.clear();
    await this.provider.shutdown().catch(() => undefined);
  }
}
