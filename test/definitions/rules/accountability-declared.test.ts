import { accountabilityDeclared } from '../../../definitions/language/rules/accountability-declared';
import type { DefinitionInput } from '../../../definitions/language/schema';
import { action, describeRule, element } from '../fixtures';

const supervise = (d: DefinitionInput, answeredBy: string) => {
  d.roles.push('supervisor');
  d.globalActions = [
    ...(d.globalActions ?? []),
    {
      id: 'supervise',
      name: 'Supervise',
      roles: ['supervisor'],
      fields: { reason: { type: 'text', required: true }, answerDays: { type: 'integer', min: 1 } },
      effect: { type: 'supervise', answeredBy },
    },
  ];
};
const answer = (d: DefinitionInput) => {
  d.globalActions = [
    ...(d.globalActions ?? []),
    {
      id: 'answer-supervision',
      name: 'Answer',
      roles: ['department'],
      fields: { text: { type: 'text', required: true } },
      effect: { type: 'answer-supervision' },
    },
  ];
};

describeRule(accountabilityDeclared, {
  valid: [
    [
      'a supervision order answered by an answer action',
      (d) => {
        supervise(d, 'answer-supervision');
        answer(d);
      },
    ],
    [
      'an escalation that reads its reason field',
      (d) => {
        action(d, 'approve').fields = { reason: { type: 'text', required: true } };
        action(d, 'approve').effect = { type: 'escalate', message: '紧急：{{reason}}' };
      },
    ],
    [
      'an action holding a declared body accountable for a declared period',
      (d) => {
        action(d, 'approve').accountability = {
          failure: '推诿',
          article: 'Art. 45',
          body: 'note',
          deadline: 'decision',
        };
      },
    ],
    [
      'a delivery to the receiver of a procedure, recorded in a string variable',
      (d) => {
        Object.assign(element(d, 'notify'), { activity: 'delivery', receiverOf: 'note', records: 'note' });
      },
    ],
    [
      'an assignee receipt in a datetime variable',
      (d) => {
        d.variables!['body'] = { type: 'string' };
        d.assignees = { department: { holder: 'body', receipt: 'decidedAt' } };
      },
    ],
  ],
  invalid: [
    [
      'an order answered by an action that does not answer',
      (d) => {
        supervise(d, 'approve');
      },
      [
        {
          path: 'globalActions[1].effect.answeredBy',
          message: /no action of that id has `effect: \{ type: answer-supervision \}`/,
        },
      ],
    ],
    [
      'an answer action no order waits for',
      (d) => {
        answer(d);
      },
      [{ path: 'globalActions[1].effect', message: /no supervise effect names it/ }],
    ],
    [
      'an escalation saying {{reason}} without a reason field',
      (d) => {
        action(d, 'approve').effect = { type: 'escalate', message: '紧急：{{reason}}' };
      },
      [{ path: 'elements[1].actions[0].fields', message: /does not declare/ }],
    ],
    [
      'accountability of an undeclared body for an undeclared period',
      (d) => {
        action(d, 'approve').accountability = {
          failure: '推诿',
          article: 'Art. 45',
          body: 'who',
          deadline: 'nope',
        };
      },
      [
        { path: 'elements[1].actions[0].accountability.body', message: /not a declared variable/ },
        { path: 'elements[1].actions[0].accountability.deadline', message: /names the period "nope"/ },
      ],
    ],
    [
      'a receiver on a notice',
      (d) => {
        Object.assign(element(d, 'notify'), { receiverOf: 'note' });
      },
      [{ path: 'elements[3].receiverOf', message: /runs a notice; `receiverOf` belongs to a delivery/ }],
    ],
    [
      'an assignee receipt in a string variable, and one without a holder',
      (d) => {
        d.variables!['body'] = { type: 'string' };
        d.assignees = {
          department: { holder: 'body', receipt: 'note' },
          superior: { receipt: 'decidedAt' },
        };
      },
      [
        { path: 'assignees.department.receipt', message: /declare it `type: datetime`/ },
        { path: 'assignees.superior.receipt', message: /names no `holder`/ },
      ],
    ],
  ],
});
