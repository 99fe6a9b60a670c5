import { registrationVocabulary } from '../../../definitions/language/rules/registration-vocabulary';
import { describeRule } from '../fixtures';

describeRule(registrationVocabulary, {
  valid: [
    [
      'a definition written before registrations were declared (it means the statutory one)',
      (d) => {
        delete d.registration;
      },
    ],
    [
      'a channel variable registered as petition.channel without listed values',
      (d) => {
        d.variables!['channel'] = { type: 'string' };
        d.registration!.variables = { category: 'petition.category', channel: 'petition.channel' };
      },
    ],
  ],
  invalid: [
    [
      'no category',
      (d) => {
        d.registration!.categories = {};
        d.registration!.variables = {};
      },
      [{ path: 'registration.categories', message: /declares no categories; declare at least one/ }],
    ],
    [
      'no channel',
      (d) => {
        d.registration!.channels = {};
      },
      [{ path: 'registration.channels', message: /declares no channels/ }],
    ],
    [
      'a category variable whose values miss a declared category and list an undeclared one',
      (d) => {
        d.variables!['category'] = { type: 'string', values: ['suggestion', 'complaint', 'inquiry'] };
      },
      [
        {
          path: 'variables.category.values',
          message: /differ from the declared categories .*: add "report", remove "inquiry"/,
        },
      ],
    ],
    [
      'a channel variable listing a channel the registration does not declare',
      (d) => {
        d.variables!['channel'] = { type: 'string', values: ['letter', 'visit', 'fax'] };
        d.registration!.variables = { category: 'petition.category', channel: 'petition.channel' };
      },
      [{ path: 'variables.channel.values', message: /: remove "fax"/ }],
    ],
  ],
});
