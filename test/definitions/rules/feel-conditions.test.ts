import { feelConditions } from '../../../definitions/language/rules/feel-conditions';
import { action, describeRule, flow } from '../fixtures';

describeRule(feelConditions, {
  valid: [
    [
      'built-in functions, loops and filters',
      (d) => {
        flow(d, 'f-approved').condition = 'count(for x in [1, 2] return x) > 1 and string length(note) > 0';
      },
    ],
    [
      'a guard over input, variables and actionTime',
      (d) => {
        action(d, 'approve').guards = [
          {
            condition: 'input.note = null or date and time(actionTime) > date and time(decidedAt)',
            message: 'm',
            article: 'a',
          },
        ];
      },
    ],
    [
      'a start event setting a variable from another',
      (d) => {
        d.elements[0] = {
          id: 'start',
          type: 'startEvent',
          set: { note: 'if category = "report" then "r" else null' },
        };
      },
    ],
    [
      'a gateway condition reading actionTime',
      (d) => {
        flow(d, 'f-approved').condition = 'approved = true and actionTime != null';
      },
    ],
    [
      'registration variables read from the facts, and a message over them',
      (d) => {
        d.registration!.variables = {
          category: 'petition.category',
          approved: 'matches(petition.petitioner.name, "\\S")',
        };
        d.registration!.message =
          '"登记：" + category + (if approved then "" else "（匿名）") + petition.subject';
      },
    ],
  ],
  invalid: [
    [
      'a registration variable reading another variable instead of the facts',
      (d) => {
        d.registration!.variables = { category: 'petition.category', note: 'category' };
      },
      [
        {
          path: 'registration.variables.note',
          message:
            /registration variable "note" uses "category", which it cannot read .*; it may use only "petition"/,
        },
      ],
    ],
    [
      'a registration variable that is not declared',
      (d) => {
        d.registration!.variables = { category: 'petition.category', intake: '"bureau"' };
      },
      [
        {
          path: 'registration.variables.intake',
          message: /assigns "intake", which is not a declared variable/,
        },
      ],
    ],
    [
      'a registration message reading input',
      (d) => {
        d.registration!.message = '"登记：" + input.note';
      },
      [{ path: 'registration.message', message: /uses "input", which it cannot read/ }],
    ],
    [
      'a condition that is not valid FEEL',
      (d) => {
        flow(d, 'f-approved').condition = 'approved = true and';
      },
      [
        {
          path: 'flows[1].condition',
          elementId: 'f-approved',
          message:
            /is not valid FEEL \(.* at character \d+ of "approved = true and"\); correct the expression/,
        },
      ],
    ],
    [
      'a condition using an undeclared variable',
      (d) => {
        flow(d, 'f-approved').condition = 'aproved = true';
      },
      [
        {
          path: 'flows[1].condition',
          message:
            /uses "aproved", which is not a declared variable \(FEEL would read it as null\); declare it/,
        },
      ],
    ],
    [
      'a gateway condition reading input',
      (d) => {
        flow(d, 'f-approved').condition = 'input.note != null';
      },
      [{ path: 'flows[1].condition', message: /uses `input`, but no action input exists there/ }],
    ],
    [
      'a set reading a field the action does not declare',
      (d) => {
        action(d, 'approve').set = { note: 'input.comment' };
      },
      [
        {
          path: 'elements[1].actions[0].set.note',
          elementId: 'decide',
          message: /reads `input.comment`, but action "approve" has no field "comment"/,
        },
      ],
    ],
    [
      'a set assigning an undeclared variable',
      (d) => {
        action(d, 'approve').set = { approvedAt: 'actionTime' };
      },
      [
        {
          path: 'elements[1].actions[0].set.approvedAt',
          message: /assigns "approvedAt", which is not a declared variable/,
        },
      ],
    ],
    [
      'a set assigning a reserved name',
      (d) => {
        action(d, 'approve').set = { input: '1' };
      },
      [{ path: 'elements[1].actions[0].set.input', message: /assigns the reserved name "input"/ }],
    ],
    [
      'a guard calling an unknown function',
      (d) => {
        action(d, 'approve').guards = [{ condition: 'is blank(note)', message: 'm', article: 'a' }];
      },
      [
        {
          path: 'elements[1].actions[0].guards[0].condition',
          message: /calls "is blank", which is not a FEEL built-in function/,
        },
      ],
    ],
    [
      'a variable named like a reserved name',
      (d) => {
        d.variables!['actionTime'] = { type: 'datetime' };
      },
      [{ path: 'variables.actionTime', message: /reserved FEEL name/ }],
    ],
    [
      'a start set reading input',
      (d) => {
        d.elements[0] = { id: 'start', type: 'startEvent', set: { note: 'input.x' } };
      },
      [{ path: 'elements[0].set.note', elementId: 'start', message: /uses `input`/ }],
    ],
  ],
});
