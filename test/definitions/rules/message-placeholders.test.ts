import { messagePlaceholders } from '../../../definitions/language/rules/message-placeholders';
import { describeRule, type Mutation } from '../fixtures';

/** A global supervise action with the given texts. */
const supervise =
  (texts: { message?: string; notice?: string }): Mutation =>
  (d) => {
    d.roles!.push('supervisor');
    d.globalActions!.push({
      id: 'supervise',
      name: '督办',
      roles: ['supervisor'],
      fields: { reason: { type: 'text', required: true }, answerDays: { type: 'integer', min: 1 } },
      effect: {
        type: 'supervise',
        answer: { name: '答复期限', article: 'Art. 9', days: 10, counting: 'working-days' },
        ...texts,
      },
    });
  };

describeRule(messagePlaceholders, {
  valid: [
    [
      'a supervision order stating its reason and answer period',
      supervise({ message: '督办：{{reason}}，{{answerDays}}日内答复', notice: '{{ reason }}' }),
    ],
    ['a supervise effect with no texts of its own', supervise({})],
  ],
  invalid: [
    [
      'a supervision message reading a field the engine does not fill',
      supervise({ message: '督办：{{input.reason}}' }),
      [
        {
          path: 'globalActions[1].effect.message',
          message:
            /\{\{input\.reason\}\} is not filled in this message; use "\{\{reason\}\}", "\{\{answerDays\}\}"/,
        },
      ],
    ],
    [
      'an unclosed placeholder in a notice',
      supervise({ notice: '督办：{{reason' }),
      [{ path: 'globalActions[1].effect.notice', message: /never closed/ }],
    ],
    [
      'a read message naming the reader wrongly',
      (d) => {
        d.registration!.categories['report']!.readMessage = '查阅：{{actor}}';
      },
      [
        {
          path: 'registration.categories.report.readMessage',
          message: /\{\{actor\}\} is not filled in this message; use "\{\{reader\}\}"/,
        },
      ],
    ],
  ],
});
