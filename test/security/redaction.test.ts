/**
 * The product's logger censors personal fields, credentials and secrets wherever a log object carries them.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../config/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ log: { level: 'debug', format: 'json' } }, 'test', stream);
  return { logger, text: () => lines.join('') };
}

describe('log redaction', () => {
  it('censors the petitioner, representatives, contact fields, texts, access codes, tokens and secrets at any depth', () => {
    const { logger, text } = capture();
    logger.info(
      {
        petitionId: 'XF1',
        petition: {
          petitioner: { name: 'LEAKNAME', phone: 'LEAKPHONE' },
          representatives: [{ name: 'LEAKREP' }],
          subject: 'LEAKSUBJECT',
          content: 'LEAKCONTENT',
        },
        input: { action: 'opinion', input: { text: 'LEAKTEXT' } },
        to: { address: 'LEAKADDR', email: 'LEAKMAIL', idNumber: 'LEAKID' },
        accessCode: 'LEAKCODE',
        connector: { kind: 'webhook', secret: 'LEAKSECRET' },
        smtp: { url: 'smtp://user:LEAKPASS@mail', pass: 'LEAKPASS2' },
        token: 'LEAKTOKEN',
      },
      'something happened',
    );
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer LEAKBEARER',
            cookie: 'petition_codec_token=LEAKCOOKIE',
            'x-access-code': 'LEAKACCESS',
          },
        },
        res: { headers: { 'set-cookie': 'petition_codec_token=LEAKSETCOOKIE' } },
      },
      'request',
    );
    const out = text();
    expect(out).not.toMatch(/LEAK/);
    expect(out).toContain('[redacted]');
    expect(out).toContain('"petitionId":"XF1"');
    expect(out).toContain('"kind":"webhook"');
  });
});
