import { feelValues } from '../../../definitions/language/rules/feel-values';
import { action, describeRule, flow } from '../fixtures';

describeRule(feelValues, {
  valid: [
    [
      'comparing an enumerated variable with one of its values',
      (d) => {
        flow(d, 'f-approved').condition = 'category = "complaint" or "report" = category';
      },
    ],
    [
      'assigning an enum field whose values the variable allows',
      (d) => {
        d.variables!['kind'] = { type: 'string', values: ['a', 'b', 'c'] };
        action(d, 'approve').set = { kind: 'if input.kind != null then input.kind else "c"' };
      },
    ],
    [
      'comparing a free string variable with anything',
      (d) => {
        flow(d, 'f-approved').condition = 'note = "whatever"';
      },
    ],
  ],
  invalid: [
    [
      'comparing with a misspelt value',
      (d) => {
        flow(d, 'f-approved').condition = 'category = "reports"';
      },
      [
        {
          path: 'flows[1].condition',
          message:
            /compares "category" with "reports", which is not one of its values \("suggestion", "report", "complaint"\)/,
        },
      ],
    ],
    [
      'comparing an enum field with a value it cannot take',
      (d) => {
        action(d, 'approve').guards = [{ condition: 'input.kind != "z"', message: 'm', article: 'a' }];
      },
      [{ path: 'elements[1].actions[0].guards[0].condition', message: /compares `input.kind` with "z"/ }],
    ],
    [
      'assigning a literal outside the values',
      (d) => {
        action(d, 'approve').set = { category: 'if approved then "complaints" else "report"' };
      },
      [{ path: 'elements[1].actions[0].set.category', message: /can assign "complaints" to "category"/ }],
    ],
    [
      'assigning an enum field with other values',
      (d) => {
        action(d, 'approve').set = { category: 'input.kind' };
      },
      [{ path: 'elements[1].actions[0].set.category', message: /can assign "a", "b" to "category"/ }],
    ],
    [
      'values on a boolean variable',
      (d) => {
        d.variables!['approved'] = { type: 'boolean', values: ['yes'] };
      },
      [{ path: 'variables.approved.values', message: /only string variables are enumerated/ }],
    ],
  ],
});
