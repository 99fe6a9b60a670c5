import { flagExpressions } from '../../../definitions/language/rules/flag-expressions';
import { action, describeRule } from '../fixtures';

describeRule(flagExpressions, {
  valid: [
    ['a definition that declares no flags', () => {}],
    [
      'conditions and keywords over declared variables and the engine facts',
      (d) => {
        d.flags = {
          approved: 'approved = true',
          category: '"category:" + category',
          supervised: 'supervisionCount > 0',
          outcome: 'if outcome != null then ["outcome:" + outcome, "closed"] else null',
          final: 'final',
          evaluated: 'evaluated and status = "closed"',
        };
      },
    ],
    [
      'a variable registered from an impersonal fact',
      (d) => {
        d.variables!['channel'] = { type: 'string' };
        d.registration!.variables = { category: 'petition.category', channel: 'petition.channel' };
        d.flags = { channel: '"channel:" + channel' };
      },
    ],
  ],
  invalid: [
    [
      'a flag that is not valid FEEL',
      (d) => {
        d.flags = { broken: 'approved and (' };
      },
      [{ path: 'flags.broken', message: /Flag "broken" is not valid FEEL/ }],
    ],
    [
      'a flag that reads the registered facts (personal data)',
      (d) => {
        d.flags = { name: '"name:" + petition.petitioner.name' };
      },
      [{ path: 'flags.name', message: /reads `petition`, the registered facts: .*no personal data/ }],
    ],
    [
      'a flag that reads a variable registered from the petitioner',
      (d) => {
        d.variables!['who'] = { type: 'string' };
        d.variables!['whoCopy'] = { type: 'string' };
        d.registration!.variables = { category: 'petition.category', who: 'petition.petitioner.name' };
        action(d, 'approve').set = { whoCopy: 'who' };
        d.flags = { who: '"who:" + whoCopy' };
      },
      [
        {
          path: 'flags.who',
          message:
            /reads "whoCopy", which is set from personal data \(`set.whoCopy` of action "approve" in step "decide" reads "who"\)/,
        },
      ],
    ],
    [
      'a flag that reads a variable set from a free-text field',
      (d) => {
        d.flags = { note: '"note:" + note' };
      },
      [{ path: 'flags.note', message: /reads the free-text field `input.note`/ }],
    ],
    [
      'a flag that reads an undeclared name or an action input',
      (d) => {
        d.flags = { typo: 'aproved = true', input: 'input.kind = "a"' };
      },
      [
        {
          path: 'flags.typo',
          message: /uses "aproved", which is neither a declared variable nor an engine fact/,
        },
        { path: 'flags.input', message: /reads "input", which exists only while an action is taken/ },
      ],
    ],
    [
      'a declared variable shadowed by an engine fact',
      (d) => {
        d.variables!['outcome'] = { type: 'string' };
        d.flags = { done: 'outcome = "done"' };
      },
      [{ path: 'variables.outcome', message: /has the name of an engine fact that flags read/ }],
    ],
  ],
});
