import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../activities/notifiers';
import { petitionIdOf } from '../../api/services/petition-ids';
import type { Actor } from '../../workflows/engine/types';
import {
  type DepartmentTestContext,
  eventually,
  startDepartmentTest,
  supervisor,
  uniqueCode,
} from './helpers';

interface Received {
  mail: ParsedMail;
  rcptTo: string[];
}

let t: DepartmentTestContext;
let server: SMTPServer;
let port: number;
const inbox: Received[] = [];
const FROM = '"市信访局" <noreply@xfj.example.gov.cn>';

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) {
        const err = Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          inbox.push({ mail, rcptTo: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
  t = await startDepartmentTest();
  await t.startWorker({ deps: { smtp: { host: '127.0.0.1', port, secure: false, from: FROM } } });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const staff = (department: string): Actor => ({ role: 'department', id: `staff-${department}`, department });

describe('notices and escalations by e-mail through a real SMTP server', () => {
  it('e-mails the acceptance notice to the petitioner and records the delivery in the timeline (Art. 23)', async () => {
    const code = uniqueCode('M');
    await t.put(code, { name: '区住建局', supervisor: supervisor(code), connector: { kind: 'manual' } });
    const p = await t.startPetition({
      department: code,
      petitioner: { name: '李四', address: '北京市海淀区某路2号', email: 'li.si@example.com' },
    });
    const view = await t.act(p, 'accept', staff(code));

    const received = await eventually(
      async () => inbox.filter((r) => r.rcptTo.includes('li.si@example.com')),
      (r) => r.length === 1,
      'the notice',
    );
    const { mail } = received[0]!;
    expect(mail.subject).toBe('信访事项受理告知书');
    expect(mail.from?.text).toContain('noreply@xfj.example.gov.cn');
    expect(mail.text).toContain('李四：');
    expect(mail.text).toContain(`（编号：${view.id}）`);
    expect(mail.text).toContain('自受理之日起60日内办结');
    expect(mail.headers.get('x-petition-id')).toBe(view.id);
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@xfj\.example\.gov\.cn>$/);

    // Notices are delivered beside the petition (never under its lock): the delivery is recorded once it is made.
    const delivered = await eventually(
      () => t.view(p),
      (v) => (v.documents.find((d) => d.kind === 'acceptance-notice')?.deliveries.length ?? 0) > 0,
      'the recorded delivery',
    );
    const notice = delivered.documents.find((d) => d.kind === 'acceptance-notice')!;
    expect(notice.deliveries).toEqual([
      expect.objectContaining({
        channel: 'email',
        ok: true,
        detail: expect.stringMatching(/^to l\*\*\*@example\.com: 250/),
      }),
    ]);
    expect(
      delivered.timeline.some(
        (e) => e.type === 'document' && e.message === '《信访事项受理告知书》已送达（email）',
      ),
    ).toBe(true);
    expect(JSON.stringify(delivered.timeline)).not.toContain('li.si@example.com');
  });

  it('e-mails a 督办 to the supervisor contact the registry names for the department (Art. 40)', async () => {
    const code = uniqueCode('V');
    await t.put(code, { name: '区水务局', supervisor: supervisor(code), connector: { kind: 'manual' } });
    const p = await t.startPetition({ department: code });
    await t.act(p, 'supervise', { role: 'supervisor', id: 'sv-1' }, { reason: '久拖未办', answerDays: 5 });
    const received = await eventually(
      async () => inbox.filter((r) => r.rcptTo.includes(supervisor(code).email)),
      (r) => r.length === 1,
      'the escalation',
    );
    expect(received[0]!.mail.subject).toBe(`督办：信访事项 ${petitionIdOf(p.workflowId)}`);
    expect(received[0]!.mail.text).toContain('久拖未办');
  });

  it('files a notice the mail server refuses for good (550) in the outbox instead, and says so', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'petition-smtp-'));
    const notifier = createNotifier({
      dataDir,
      smtp: { host: '127.0.0.1', port, secure: false, from: FROM },
    });
    const record = await notifier.send({
      idempotencyKey: 'P9:doc-1:petitioner',
      recipient: 'petitioner',
      to: { name: '王五', email: 'nobody@example.com', address: '某地' },
      subject: '信访事项受理告知书',
      text: '……',
      petitionId: 'P9',
    });
    expect(record).toMatchObject({ channel: 'outbox', ok: true });
    expect(record.detail).toMatch(/^e-mail to n\*\*\*@example\.com refused \(SMTP 550/);
    expect(record.detail).toContain(path.join(dataDir, 'outbox', 'petitioner'));
  });
});
