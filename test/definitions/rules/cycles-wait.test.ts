import { cyclesWait } from '../../../definitions/language/rules/cycles-wait';
import { action, describeRule } from '../fixtures';

describeRule(cyclesWait, {
  valid: [
    [
      'a loop back to a user task (the petition waits there)',
      (d) => {
        d.flows!.push({ id: 'f-again', from: 'notify', to: 'decide' });
        d.flows = d.flows!.filter((f) => f.id !== 'f-notified');
      },
    ],
    [
      'two gateways in a row without a way back',
      (d) => {
        d.elements.push({ id: 'g1', type: 'exclusiveGateway' });
        action(d, 'approve').to = 'g1';
        d.flows!.push({ id: 'g1-route', from: 'g1', to: 'route', default: true });
      },
    ],
  ],
  invalid: [
    [
      'two gateways sending the token to each other (g1 → g2 on true, g2 → g1 by default)',
      (d) => {
        d.elements.push({ id: 'g1', type: 'exclusiveGateway' }, { id: 'g2', type: 'exclusiveGateway' });
        action(d, 'approve').to = 'g1';
        d.flows!.push(
          { id: 'g1-g2', from: 'g1', to: 'g2', condition: 'true' },
          { id: 'g1-done', from: 'g1', to: 'done', default: true },
          { id: 'g2-done', from: 'g2', to: 'done', condition: 'false' },
          { id: 'g2-g1', from: 'g2', to: 'g1', default: true },
        );
      },
      [
        {
          elementId: 'g1',
          path: 'elements[6]',
          message: /^"g1" → "g2" → "g1" is a loop without a user task or timer/,
        },
      ],
    ],
    [
      'a service task that flows back into the gateway before it',
      (d) => {
        d.flows = d.flows!.filter((f) => f.id !== 'f-notified');
        d.flows.push({ id: 'f-back', from: 'notify', to: 'route' });
      },
      [{ elementId: 'route', message: /"route" → "notify" → "route"/ }],
    ],
  ],
});
