import { deadlineWellFormed } from '../../../definitions/language/rules/deadline-well-formed';
import { deadline, describeRule } from '../fixtures';

describeRule(deadlineWellFormed, {
  valid: [
    [
      'a deadline from entering the step',
      (d) => {
        deadline(d).from = 'entered';
      },
    ],
    [
      'a deadline from a declared datetime variable',
      (d) => {
        deadline(d).from = 'decidedAt';
      },
    ],
    [
      'a petitioner window that lapses and refuses an action',
      (d) => {
        Object.assign(deadline(d), {
          extension: undefined,
          onExpiry: { kind: 'lapse' },
          refuseAfter: ['approve'],
        });
      },
    ],
    [
      'working-day counting with warnings',
      (d) => {
        Object.assign(deadline(d), { counting: 'working-days', duration: 5, warnings: [1, 2] });
      },
    ],
    [
      'a deadline that spans the next task',
      (d) => {
        deadline(d).spans = ['notify'];
      },
    ],
  ],
  invalid: [
    [
      'a start that is not a keyword or variable',
      (d) => {
        deadline(d).from = 'acceptance';
      },
      [
        {
          path: 'elements[1].deadlines[0].from',
          elementId: 'decide',
          message: /neither "receipt", "entered" nor a declared variable.*"decidedAt"/,
        },
      ],
    ],
    [
      'a start variable that is not a datetime',
      (d) => {
        deadline(d).from = 'note';
      },
      [{ path: 'elements[1].deadlines[0].from', message: /is a string; a deadline starts from a datetime/ }],
    ],
    [
      'a warning as long as the deadline',
      (d) => {
        deadline(d).warnings = [10];
      },
      [
        {
          path: 'elements[1].deadlines[0].warnings[0]',
          message: /warns 10 days before it is due, but it lasts only 10 days/,
        },
      ],
    ],
    [
      'a warning listed twice',
      (d) => {
        deadline(d).warnings = [3, 3];
      },
      [{ path: 'elements[1].deadlines[0].warnings[1]', message: /twice/ }],
    ],
    [
      'a pause on actions the step does not offer',
      (d) => {
        deadline(d).pause = { start: 'hearing-begin', end: 'hearing-end' };
      },
      [
        {
          path: 'elements[1].deadlines[0].pause.start',
          message: /pauses on action "hearing-begin", which step "decide" does not offer/,
        },
      ],
    ],
    [
      'a pause that starts and ends with one action',
      (d) => {
        deadline(d).pause = { start: 'hearing-start', end: 'hearing-start' };
      },
      [{ path: 'elements[1].deadlines[0].pause', message: /same action/ }],
    ],
    [
      'refusing an action no step in scope offers',
      (d) => {
        deadline(d).refuseAfter = ['appeal'];
      },
      [{ path: 'elements[1].deadlines[0].refuseAfter[0]', message: /refuses "appeal"/ }],
    ],
    [
      'spanning its own step and a gateway',
      (d) => {
        deadline(d).spans = ['decide', 'route'];
      },
      [
        { path: 'elements[1].deadlines[0].spans[0]', message: /spans its own step/ },
        {
          path: 'elements[1].deadlines[0].spans[1]',
          message: /a exclusiveGateway; the token never rests there/,
        },
      ],
    ],
    [
      'a lapsing deadline that refuses nothing',
      (d) => {
        Object.assign(deadline(d), { extension: undefined, onExpiry: { kind: 'lapse' } });
      },
      [{ path: 'elements[1].deadlines[0].onExpiry', message: /lapses on expiry but refuses no action/ }],
    ],
    [
      'following to its own step',
      (d) => {
        Object.assign(deadline(d), { extension: undefined, onExpiry: { kind: 'follow', to: 'decide' } });
      },
      [{ path: 'elements[1].deadlines[0].onExpiry.to', message: /follows to its own step/ }],
    ],
    [
      "extending a petitioner's window",
      (d) => {
        deadline(d).onExpiry = { kind: 'follow', to: 'refused' };
      },
      [
        {
          path: 'elements[1].deadlines[0].extension',
          message: /only a body's deadline \(onExpiry overdue\) is extended/,
        },
      ],
    ],
  ],
});
