import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ErrorBody } from '../errors';
import { requestIdOf } from './request-id';

/** What Node's HTTP parser refuses before Fastify sees a request, and how each is answered. */
function answerFor(code: string | undefined): { status: number; body: Omit<ErrorBody, 'requestId'> } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        body: {
          error: 'headers_too_large',
          message:
            'The request headers are larger than the API accepts (16 KiB in all); send fewer or shorter headers.',
        },
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        body: { error: 'request_timeout', message: 'The request was not received in time; send it again.' },
      };
    default:
      return {
        status: 400,
        body: {
          error: 'bad_request',
          message:
            'The request is not valid HTTP/1.1 (request line, headers or framing); check what the client sends.',
        },
      };
  }
}

/**
 * The server's `clientError` handler (Fastify's `clientErrorHandler` option): requests that Node's HTTP parser refuses
 * (a malformed request line, headers over the size limit) get the API's one error shape, with a request id.
 */
export function createClientErrorHandler(log: Logger) {
  return function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const { status, body } = answerFor(err.code);
    const requestId = requestIdOf({ headers: {} });
    const json = JSON.stringify({ ...body, requestId } satisfies ErrorBody);
    log.info({ reqId: requestId, code: err.code, status }, 'malformed request refused');
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(json)}\r\n` +
          `X-Request-Id: ${requestId}\r\n` +
          'X-Content-Type-Options: nosniff\r\n' +
          'Connection: close\r\n\r\n' +
          json,
      );
    }
    socket.destroy(err);
  };
}
