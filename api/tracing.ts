/**
 * Request spans for the API (`@fastify/otel`), registered by `buildApp` only when the process traces
 * (config/tracing.ts started a tracer provider). Each request gets a server span named `METHOD /route/:pattern`; the
 * route's handler runs with that span current, so the Temporal client interceptor's spans become its children.
 */
import FastifyOtelInstrumentation from '@fastify/otel';
import type { FastifyPluginCallback } from 'fastify';

/** Probes and the API's own documentation are not worth a trace each. */
const untraced = /^\/(healthz|readyz|docs)(\/|\?|$)/;

/** The Fastify plugin that traces every request but the probes and the docs; register it before any route. */
export function requestTracing(): FastifyPluginCallback {
  const instrumentation = new FastifyOtelInstrumentation({
    // A span per lifecycle hook (auth, rate limit, validation…) would triple the spans of every request.
    instrumentHooks: false,
    ignorePaths: ({ url }) => untraced.test(url),
    requestHook: (span, request) => {
      span.updateName(`${request.method} ${request.routeOptions.url ?? '(no route)'}`);
    },
  });
  return instrumentation.plugin();
}
