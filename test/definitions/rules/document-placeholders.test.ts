import { documentPlaceholders } from '../../../definitions/language/rules/document-placeholders';
import { action, describeRule } from '../fixtures';

describeRule(documentPlaceholders, {
  valid: [
    [
      'every scalar placeholder and spaces inside the braces',
      (d) => {
        d.documents!['notice']!.template =
          '{{ petitionId }} {{documentId}} {{stepName}} {{at}} {{petition.receivedAt}}';
      },
    ],
    [
      'an action document reading its own fields',
      (d) => {
        action(d, 'approve').document = 'approval';
        d.documents!['approval'] = {
          title: '决定',
          template: '{{input.note}} {{input.kind}} {{variables.decidedAt}}',
        };
      },
    ],
    [
      'an unused document with any variables',
      (d) => {
        d.documents!['spare'] = { title: '备用', template: '{{variables.category}}' };
      },
    ],
  ],
  invalid: [
    [
      'an unknown petition fact',
      (d) => {
        d.documents!['notice']!.template = '{{petition.petitioner.idNumber}}';
      },
      [
        {
          path: 'documents.notice.template',
          message: /\{\{petition.petitioner.idNumber\}\} is not a petition fact/,
        },
      ],
    ],
    [
      'an undeclared variable',
      (d) => {
        d.documents!['notice']!.template = '{{variables.reason}}';
      },
      [{ path: 'documents.notice.template', message: /names no declared variable; declare "reason"/ }],
    ],
    [
      'action input in a service task document',
      (d) => {
        d.documents!['notice']!.template = '{{input.reason}}';
      },
      [
        {
          path: 'documents.notice.template',
          message: /service task "notify" generates this document without one/,
        },
      ],
    ],
    [
      'a field the generating action lacks',
      (d) => {
        d.documents!['extension-notice']!.template = '{{input.weeks}}';
      },
      [
        {
          path: 'documents["extension-notice"].template',
          message: /reads field "weeks", which action "extend" does not declare/,
        },
      ],
    ],
    [
      'a deadline outside an extend action document',
      (d) => {
        d.documents!['notice']!.template = '{{deadline.lastDay}}';
      },
      [
        {
          path: 'documents.notice.template',
          message: /use \{\{deadline.…\}\} only in documents of extend actions/,
        },
      ],
    ],
    [
      'an unknown deadline field',
      (d) => {
        d.documents!['extension-notice']!.template = '{{deadline.end}}';
      },
      [{ path: 'documents["extension-notice"].template', message: /is not a deadline field/ }],
    ],
    [
      'an unknown root and an unclosed brace',
      (d) => {
        d.documents!['notice']!.template = '{{today}} {{petition.subject';
      },
      [
        { path: 'documents.notice.template', message: /never closed/ },
        { path: 'documents.notice.template', message: /\{\{today\}\} is not in the placeholder vocabulary/ },
      ],
    ],
  ],
});
