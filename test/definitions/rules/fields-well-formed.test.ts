import { fieldsWellFormed } from '../../../definitions/language/rules/fields-well-formed';
import { action, describeRule } from '../fixtures';

describeRule(fieldsWellFormed, {
  valid: [
    [
      'an integer with only a minimum',
      (d) => {
        action(d, 'approve').fields = { count: { type: 'integer', min: 0 } };
      },
    ],
    [
      'a string with a maximum length',
      (d) => {
        action(d, 'approve').fields = { note: { type: 'string', maxLength: 20 } };
      },
    ],
  ],
  invalid: [
    [
      'an enum without values',
      (d) => {
        action(d, 'approve').fields = { kind: { type: 'enum' } };
      },
      [{ path: 'elements[1].actions[0].fields.kind', message: /is an enum without `values`/ }],
    ],
    [
      'values on a text field',
      (d) => {
        action(d, 'approve').fields = { note: { type: 'text', values: ['a'] } };
      },
      [{ path: 'elements[1].actions[0].fields.note.values', message: /make it `type: enum`/ }],
    ],
    [
      'min and max on a string',
      (d) => {
        action(d, 'approve').fields = { note: { type: 'string', min: 1 } };
      },
      [{ path: 'elements[1].actions[0].fields.note', message: /apply to integers only/ }],
    ],
    [
      'min above max',
      (d) => {
        action(d, 'extend').fields!['days'] = { type: 'integer', required: true, min: 31, max: 30 };
      },
      [{ path: 'elements[1].actions[1].fields.days.min', message: /so no value is accepted/ }],
    ],
    [
      'maxLength on a datetime',
      (d) => {
        action(d, 'approve').fields = { at: { type: 'datetime', maxLength: 10 } };
      },
      [
        {
          path: 'elements[1].actions[0].fields.at.maxLength',
          message: /applies to string and text fields only/,
        },
      ],
    ],
  ],
});
