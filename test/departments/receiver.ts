import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDEMPOTENCY_HEADER, verifyWebhookSignature } from '../../activities/connectors/webhook-signature';
import type { DepartmentDelivery } from '../../workflows/department-activities';

export interface ReceivedRequest {
  key: string | undefined;
  signatureOk: boolean;
  raw: string;
  body: DepartmentDelivery;
}

/**
 * A department's webhook receiver, as docs/departments.md tells integrators to write one: verify the signature over
 * the raw body, then deduplicate by Idempotency-Key (a repeat answers as the first acceptance did, and is not filed
 * again).
 * `answer` decides the status of each new (not yet accepted) request: a number, `'hold'` to never answer, or a
 * status given only after a delay (a slow receiver).
 */
export async function startReceiver(
  secret: string,
  answer: (
    attempt: number,
    request: ReceivedRequest,
  ) => number | 'hold' | { status: number; afterMs: number },
): Promise<{
  url: string;
  requests: ReceivedRequest[];
  accepted: Map<string, { reference: string; body: DepartmentDelivery }>;
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const accepted = new Map<string, { reference: string; body: DepartmentDelivery }>();
  const held: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const check = verifyWebhookSignature(secret, raw, req.headers['x-signature'] as string | undefined);
      const key = req.headers[IDEMPOTENCY_HEADER.toLowerCase()] as string | undefined;
      const request: ReceivedRequest = {
        key,
        signatureOk: check.ok,
        raw,
        body: JSON.parse(raw) as DepartmentDelivery,
      };
      requests.push(request);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!check.ok) return reply(401, { error: check.reason });
      if (!key) return reply(400, { error: 'Idempotency-Key missing' });
      const seen = accepted.get(key);
      if (seen) return reply(200, { reference: seen.reference, repeat: true });
      const decision = answer(requests.filter((r) => r.key === key).length, request);
      if (decision === 'hold') {
        held.push(res);
        return;
      }
      const decide = (status: number) => {
        if (status >= 200 && status < 300) {
          const reference = `REF-${accepted.size + 1}`;
          accepted.set(key, { reference, body: request.body });
          return reply(status, { reference });
        }
        reply(status, { error: `answered ${status}` });
      };
      if (typeof decision === 'number') return decide(decision);
      held.push(res);
      setTimeout(() => {
        if (!res.destroyed) decide(decision.status);
      }, decision.afterMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/petitions`,
    requests,
    accepted,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
