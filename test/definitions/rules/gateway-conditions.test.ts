import { gatewayConditions } from '../../../definitions/language/rules/gateway-conditions';
import { describeRule, flow, removeFlow } from '../fixtures';

describeRule(gatewayConditions, {
  valid: [
    [
      'a gateway whose flows are all conditioned (no default)',
      (d) => {
        flow(d, 'f-refused').default = false;
        flow(d, 'f-refused').condition = 'approved != true';
      },
    ],
    [
      'a gateway with a single default flow',
      (d) => {
        removeFlow(d, 'f-approved');
        d.elements.push({ id: 'g2', type: 'exclusiveGateway' });
        d.flows!.push({ id: 'f-g2', from: 'g2', to: 'done', default: true });
        d.flows!.push({ id: 'f-into-g2', from: 'notify', to: 'g2' });
        removeFlow(d, 'f-notified');
      },
    ],
  ],
  invalid: [
    [
      'a gateway with no outgoing flow',
      (d) => {
        removeFlow(d, 'f-approved');
        removeFlow(d, 'f-refused');
      },
      [{ path: 'elements[2]', elementId: 'route', message: /has no outgoing flow/ }],
    ],
    [
      'an unconditioned flow beside a default',
      (d) => {
        flow(d, 'f-approved').condition = undefined;
      },
      [
        {
          path: 'flows[1]',
          elementId: 'route',
          message: /without a condition; give it a FEEL `condition` or mark it `default: true`/,
        },
      ],
    ],
    [
      'two default flows',
      (d) => {
        flow(d, 'f-approved').condition = undefined;
        flow(d, 'f-approved').default = true;
      },
      [{ path: 'flows[2].default', message: /more than one default flow/ }],
    ],
    [
      'a default flow that also has a condition',
      (d) => {
        flow(d, 'f-refused').condition = 'approved = false';
      },
      [{ path: 'flows[2].condition', message: /also has a condition, which the engine ignores/ }],
    ],
    [
      'a start event with two outgoing flows',
      (d) => {
        d.flows!.push({ id: 'f-start-2', from: 'start', to: 'route' });
      },
      [
        {
          path: 'elements[0]',
          elementId: 'start',
          message: /Start event "start" has 2 outgoing flows; it needs exactly one/,
        },
      ],
    ],
    [
      'a service task with no outgoing flow',
      (d) => {
        removeFlow(d, 'f-notified');
      },
      [{ path: 'elements[3]', elementId: 'notify', message: /Service task "notify" has 0 outgoing flows/ }],
    ],
    [
      'a flow leaving a user task',
      (d) => {
        d.flows!.push({ id: 'f-decide', from: 'decide', to: 'route' });
      },
      [{ path: 'flows[4]', elementId: 'decide', message: /a user task is left only through its actions/ }],
    ],
    [
      'a flow leaving an end event',
      (d) => {
        d.flows!.push({ id: 'f-after-end', from: 'done', to: 'refused' });
      },
      [{ path: 'flows[4]', elementId: 'done', message: /the petition is finished there/ }],
    ],
    [
      'a condition on a service task flow',
      (d) => {
        flow(d, 'f-notified').condition = 'approved = true';
      },
      [
        {
          path: 'flows[3].condition',
          elementId: 'f-notified',
          message: /conditions and defaults are ignored/,
        },
      ],
    ],
  ],
});
