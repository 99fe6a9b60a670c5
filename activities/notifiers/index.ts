import type { Logger } from 'pino';
import { createFileOutbox, type DeliveryRecord, type Notifier, type OutgoingMessage } from '../outbox';
import { createSmtpNotifier, maskEmail, PermanentEmailError, type SmtpOptions } from './smtp';

export { createSmtpNotifier, maskEmail, PermanentEmailError, type SmtpOptions } from './smtp';

export interface NotifierOptions {
  /** The embedded default's outbox lives under `<dataDir>/outbox`. */
  dataDir: string;
  /** SMTP settings; absent, everything goes to the outbox. */
  smtp?: SmtpOptions;
  /** Or an e-mail notifier of your own (tests). */
  email?: Notifier;
  logger?: Logger;
}

/**
 * The notifier activities use: e-mail when an address is known and SMTP is configured, otherwise the file outbox
 * (from which letters are printed and posted). A mail server that refuses an address for good does not lose the
 * notice: it is filed in the outbox, and the record says why.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const outbox = createFileOutbox(options.dataDir);
  const email = options.email ?? (options.smtp ? createSmtpNotifier(options.smtp) : undefined);
  return {
    async send(message: OutgoingMessage): Promise<DeliveryRecord> {
      const address = message.to['email'];
      if (email && typeof address === 'string' && address.length > 0) {
        try {
          return await email.send(message);
        } catch (err) {
          if (!(err instanceof PermanentEmailError)) throw err;
          options.logger?.warn(
            {
              petitionId: message.petitionId,
              recipient: message.recipient,
              to: maskEmail(address),
              reason: err.message,
            },
            'e-mail refused; filed in the outbox',
          );
          const filed = await outbox.send(message);
          return {
            ...filed,
            detail: `e-mail to ${maskEmail(address)} refused (${err.message}); ${filed.detail ?? 'filed'}`,
          };
        }
      }
      return await outbox.send(message);
    },
  };
}
