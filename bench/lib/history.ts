/**
 * What a workflow's history costs: event count, encoded size (protobuf, as the server stores and sends it), and
 * where the bytes go (per event type, and payload bytes per event type).
 */
import proto from '@temporalio/proto';

const { temporal } = proto;

type History = proto.temporal.api.history.v1.IHistory;

export interface HistoryCost {
  events: number;
  bytes: number;
  /** Sum of payload data bytes (inputs, results, update arguments, markers, memo, search attributes). */
  payloadBytes: number;
  byEventType: Record<string, { count: number; bytes: number; payloadBytes: number }>;
}

const eventTypeName = (t: number | null | undefined): string =>
  (temporal.api.enums.v1.EventType[t ?? 0] ?? String(t)).replace(/^EVENT_TYPE_/, '');

/** Sums the `data` of every payload-shaped object ({ metadata, data }) below `value`. */
function payloadBytes(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object' || depth > 12) return 0;
  if (value instanceof Uint8Array) return 0;
  const o = value as Record<string, unknown>;
  if (o['data'] instanceof Uint8Array && 'metadata' in o) return (o['data'] as Uint8Array).length;
  let sum = 0;
  for (const v of Object.values(o)) {
    if (Array.isArray(v)) for (const x of v) sum += payloadBytes(x, depth + 1);
    else sum += payloadBytes(v, depth + 1);
  }
  return sum;
}

export function historyCost(history: History): HistoryCost {
  const events = history.events ?? [];
  const byEventType: HistoryCost['byEventType'] = {};
  let total = 0;
  for (const event of events) {
    const name = eventTypeName(event.eventType as number);
    const bytes = temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
    const payload = payloadBytes(event);
    const entry = (byEventType[name] ??= { count: 0, bytes: 0, payloadBytes: 0 });
    entry.count += 1;
    entry.bytes += bytes;
    entry.payloadBytes += payload;
    total += payload;
  }
  return {
    events: events.length,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    payloadBytes: total,
    byEventType,
  };
}
