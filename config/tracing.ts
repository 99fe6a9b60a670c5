/**
 * OpenTelemetry tracing for the API and the worker, started only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: without it
 * nothing is loaded, no provider is registered and no interceptor is installed, so tracing costs nothing.
 *
 * One trace follows an action from HTTP into the workflow: the API's request span (api/tracing.ts) is the parent of
 * the Temporal client interceptor's `StartWorkflow` / `StartWorkflowUpdate` span, whose context travels in the
 * workflow's headers to the worker, where the workflow interceptors (bundled into the workflow code) open
 * `RunWorkflow` / `ValidateUpdate` / `HandleUpdate` / `StartActivity` spans and the activity interceptor `RunActivity`.
 *
 * `@temporalio/interceptors-opentelemetry` 1.24 is built on the OpenTelemetry JS SDK 1.x (its workflow spans reach the
 * worker as 1.x `ReadableSpan`s), so the provider and the OTLP exporter here are of that line too.
 */
import { hostname } from 'node:os';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { Config } from './index';
import { tracingWorkflowModules } from './workflow-bundle';

/** What a process needs to trace, once {@link startTracing} has registered the global tracer provider. */
export interface Tracing {
  /** The `service.name` spans are exported under. */
  serviceName: string;
  /** For a Temporal `Client`: spans around start, update, signal, query…, their context passed in the headers. */
  clientInterceptors: { workflow: WorkflowClientInterceptor[] };
  /** For `Worker.create`: activity spans, the workflow interceptors to bundle, and the sink that exports workflow spans. */
  workerOptions(): { interceptors: WorkerInterceptors; sinks: InjectedSinks<OpenTelemetrySinks> };
  /** Exports the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider exporting by OTLP/HTTP (protobuf) in batches, when the config has an endpoint; otherwise
 * does nothing and answers `undefined`. The standard `OTEL_*` variables the SDK reads itself (`OTEL_TRACES_SAMPLER`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_SCHEDULE_DELAY`, …) apply.
 */
export async function startTracing(
  config: Pick<Config, 'tracing'>,
  defaultServiceName: 'petition-api' | 'petition-worker',
): Promise<Tracing | undefined> {
  if (!config.tracing) return undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }, temporalOtel] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-proto'),
      import('@opentelemetry/resources'),
      import('@temporalio/interceptors-opentelemetry'),
    ]);
  const serviceName = config.tracing.serviceName ?? defaultServiceName;
  const resource = new Resource({
    'service.name': serviceName,
    'service.instance.id': `${process.pid}@${hostname()}`,
  });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracing.tracesUrl }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global provider, an AsyncLocalStorage context manager (a request's span is current in its handler) and the
  // W3C trace-context propagator (a caller's `traceparent` header continues its trace).
  provider.register();

  return {
    serviceName,
    clientInterceptors: { workflow: [new temporalOtel.OpenTelemetryWorkflowClientInterceptor()] },
    workerOptions: () => ({
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new temporalOtel.OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new temporalOtel.OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
        workflowModules: tracingWorkflowModules,
      },
      sinks: { exporter: temporalOtel.makeWorkflowExporter(spanProcessor, resource) },
    }),
    shutdown: () => provider.shutdown(),
  };
}
