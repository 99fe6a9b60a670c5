import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../definitions/language/parse';
import type {
  Action,
  Deadline,
  Definition,
  Field,
  GlobalAction,
  UserTask,
} from '../../definitions/language/schema';
import { upgradeDefinition } from '../../definitions/language/upgrade';
import { validateDefinition, validateSource } from '../../definitions/language/validate';
import {
  loadStatutoryDefinition,
  statutoryDefinitionHash,
  statutoryDefinitions,
  STATUTORY_CATEGORIES,
  STATUTORY_CHANNELS,
  STATUTORY_DEFINITION_ID,
  STATUTORY_DEFINITION_VERSION,
} from '../../definitions/statutory/index';
import { builtInDefinition, pinDefinition } from '../../definitions/statutory/built-in';
import { generatedFileOf, renderGeneratedModule, ROOT } from '../../scripts/build-definitions';

const YAML_FILE = join(ROOT, 'definitions/statutory/petition-2022-v2.yaml');
const V1_YAML_FILE = join(ROOT, 'definitions/statutory/petition-2022.yaml');
/** The content hash petition-2022@1 shipped with; every petition registered before version 2 records it. */
const V1_HASH = '63ff0ab0ea8158f8ef9f570006a995c1c5d49f0c15d853f178a12aeda926ed6e';
const yamlText = readFileSync(YAML_FILE, 'utf8');
const definition = loadStatutoryDefinition();

const userTasks = definition.elements.filter((e): e is UserTask => e.type === 'userTask');
const stepOf = (id: string): UserTask => {
  const step = userTasks.find((t) => t.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
};
/** Every place an action id is offered: [step id, action]. */
const offerings: Array<[string, Action | GlobalAction]> = [
  ...userTasks.flatMap((t) => t.actions.map((a) => [t.id, a] as [string, Action])),
  ...definition.globalActions.flatMap((g) =>
    (g.steps ?? userTasks.map((t) => t.id)).map((s) => [s, g] as [string, GlobalAction]),
  ),
];
const deadlines: Array<{ step: string; deadline: Deadline }> = userTasks.flatMap((t) =>
  t.deadlines.map((deadline) => ({ step: t.id, deadline })),
);

/** The engine's gateway choice: the first outgoing flow whose condition is true, else the default. */
function choose(def: Definition, gateway: string, variables: Record<string, unknown>): string {
  const flows = def.flows.filter((f) => f.from === gateway);
  const taken =
    flows.find(
      (f) => !f.default && f.condition !== undefined && evaluate(f.condition, variables).value === true,
    ) ?? flows.find((f) => f.default);
  if (!taken) throw new Error(`gateway ${gateway}: no flow`);
  return taken.to;
}

describe('the statutory default petition-2022', () => {
  it('validates clean, from the YAML and as loaded', () => {
    const checked = validateSource(yamlText, 'yaml');
    expect(checked.issues).toEqual([]);
    expect(validateDefinition(definition)).toEqual([]);
  });

  it('is loaded from a generated module that matches the YAML exactly (run npm run definitions:build after editing)', async () => {
    const current = readFileSync(generatedFileOf(YAML_FILE), 'utf8');
    expect(await renderGeneratedModule(YAML_FILE)).toBe(current);
    const parsed = parseDefinition(yamlText, 'yaml');
    if (!parsed.ok) throw new Error('the YAML does not parse');
    expect(definition).toEqual(parsed.definition);
    expect(statutoryDefinitionHash()).toBe(parsed.hash);
  });

  it('ships as a built-in that petitions pin by reference, with the same content hash', () => {
    const builtIn = builtInDefinition({ id: STATUTORY_DEFINITION_ID, version: STATUTORY_DEFINITION_VERSION });
    expect(builtIn?.hash).toBe(statutoryDefinitionHash());
    expect(builtIn?.definition).toEqual(definition);
    expect(builtInDefinition({ id: STATUTORY_DEFINITION_ID, version: 99 })).toBeUndefined();
    expect(pinDefinition(definition, statutoryDefinitionHash())).toEqual({
      definitionRef: { id: STATUTORY_DEFINITION_ID, version: STATUTORY_DEFINITION_VERSION },
    });
    // Same id@version with other content (a published text, say): a snapshot, never the shipped one.
    const edited = { ...definition, name: 'edited' };
    expect(pinDefinition(edited, 'another-hash')).toEqual({ definition: edited });
  });

  it('is petition-2022 version 2, frozen', () => {
    expect([definition.id, definition.version]).toEqual([
      STATUTORY_DEFINITION_ID,
      STATUTORY_DEFINITION_VERSION,
    ]);
    expect(loadStatutoryDefinition()).toBe(definition);
    expect(Object.isFrozen(definition.elements[0])).toBe(true);
  });

  it('uses exactly the public action ids integrators code against', () => {
    const ids = new Set(offerings.map(([, a]) => a.id));
    expect([...ids].sort()).toEqual(
      [
        'forward',
        'accept',
        'decline',
        'object',
        'divert',
        'mediate',
        'opinion',
        'extend',
        'reply',
        'request-review',
        'review-opinion',
        'request-re-review',
        'hearing-start',
        'hearing-end',
        're-review-opinion',
        'evaluate',
        'withdraw',
        'supervise',
        // Issue 12: the bureau verifies an objection (Art. 23 ¶3), the opinions' service is recorded (Art. 35–36),
        // the execution of a supported opinion is reported (Art. 32), the supervised body answers (Art. 40), staff
        // recuse themselves and the petitioner asks for a recusal (Art. 28 ¶3), urgent matters are flagged (Art. 25).
        'agree-objection',
        'refuse-objection',
        'serve-review-opinion',
        'serve-re-review-opinion',
        'report-execution',
        'answer-supervision',
        'recuse',
        'request-recusal',
        'flag-urgent',
      ].sort(),
    );
  });

  const contract: Array<[string, Record<string, Partial<Field>>]> = [
    ['forward', { department: { required: true } }],
    ['accept', {}],
    ['decline', { reason: { required: true } }],
    ['object', { reason: { required: true } }],
    [
      'divert',
      {
        channel: {
          type: 'enum',
          required: true,
          values: [
            'litigation',
            'reconsideration',
            'procuratorial',
            'police',
            'arbitration',
            'party-appeal',
            'administrative',
          ],
        },
      },
    ],
    [
      'mediate',
      {
        kind: { type: 'enum', required: true, values: ['mediation', 'conciliation'] },
        text: { required: true },
      },
    ],
    [
      'opinion',
      {
        outcome: { type: 'enum', required: true, values: ['support', 'explain', 'reject'] },
        text: { required: true },
      },
    ],
    ['extend', { days: { type: 'integer', required: true, max: 30 }, reason: { required: true } }],
    ['reply', { servedAt: { type: 'datetime', required: false } }],
    ['request-review', { reason: { required: true } }],
    ['review-opinion', { outcome: { type: 'enum', required: true }, text: { required: true } }],
    ['request-re-review', { reason: { required: true } }],
    ['hearing-start', {}],
    ['hearing-end', {}],
    ['re-review-opinion', { outcome: { type: 'enum', required: true }, text: { required: true } }],
    [
      'evaluate',
      {
        rating: { type: 'enum', required: true, values: ['satisfied', 'basically-satisfied', 'unsatisfied'] },
      },
    ],
    ['withdraw', { reason: { required: false } }],
    ['supervise', { reason: { required: true }, answerDays: { type: 'integer', required: true } }],
    ['agree-objection', {}],
    ['refuse-objection', { reason: { required: true } }],
    ['serve-review-opinion', { servedAt: { type: 'datetime', required: false } }],
    ['serve-re-review-opinion', { servedAt: { type: 'datetime', required: false } }],
    ['report-execution', { text: { required: true } }],
    ['answer-supervision', { text: { required: true } }],
    ['recuse', { reason: { required: true } }],
    ['request-recusal', { reason: { required: true } }],
    ['flag-urgent', { reason: { required: true } }],
  ];
  /** Fields one step requires beyond the contract: the legal basis of a route-6 opinion (Art. 32). */
  const requiredInStep: Record<string, string[]> = { 'handle:opinion': ['legalBasis'] };
  it.each(contract)('offers %s with the payload of the public contract in every step', (id, fields) => {
    const offered = offerings.filter(([, a]) => a.id === id);
    expect(offered.length).toBeGreaterThan(0);
    for (const [step, action] of offered) {
      for (const [name, expected] of Object.entries(fields))
        expect(action.fields[name]).toMatchObject(expected);
      const required = Object.entries(action.fields)
        .filter(([, f]) => f.required)
        .map(([n]) => n);
      expect(required.sort()).toEqual(
        [
          ...Object.entries(fields)
            .filter(([, f]) => f.required)
            .map(([n]) => n),
          ...(requiredInStep[`${step}:${id}`] ?? []),
        ].sort(),
      );
    }
  });

  it('cites an article of the Regulation for every deadline', () => {
    expect(deadlines.length).toBeGreaterThan(0);
    for (const { deadline } of deadlines)
      expect(deadline.article).toMatch(/^《信访工作条例》第[一二三四五六七八九十]+条/);
  });

  const periods: Array<[string, string, number, string, string, RegExp]> = [
    ['forwarding', 'forward', 15, 'calendar-days', 'receivedByBureauAt', /第二十二条/],
    ['acceptance', 'accept-notice', 15, 'calendar-days', 'receivedByBodyAt', /第二十三条第二款、第三款/],
    ['objection-window', 'accept-notice', 5, 'working-days', 'receivedByBodyAt', /第二十三条第三款/],
    ['handling', 'handle', 60, 'calendar-days', 'acceptedAt', /第三十四条/],
    ['review-request-window', 'review-window', 30, 'calendar-days', 'replyServedAt', /第三十五条/],
    ['review', 'review', 30, 'calendar-days', 'reviewRequestedAt', /第三十五条/],
    [
      're-review-request-window',
      're-review-window',
      30,
      'calendar-days',
      'reviewOpinionServedAt',
      /第三十六条/,
    ],
    ['re-review', 're-review', 30, 'calendar-days', 'reReviewRequestedAt', /第三十六条/],
    // Local choices where the statute sets no period (definitions/README.md, "Choices the statute leaves open").
    ['execution', 'execute', 60, 'calendar-days', 'effectiveServedAt', /第三十二条/],
    ['evaluation-window', 'evaluation-window', 30, 'calendar-days', 'answeredAt', /第二十一条/],
  ];
  it('has exactly the statutory periods: 15, 15, 5 working days, 60 (+30), 30, 30, 30, 30, and the local 60 and 30', () => {
    expect(deadlines.map((d) => d.deadline.id).sort()).toEqual(periods.map(([id]) => id).sort());
  });
  it.each(periods)(
    'counts %s in step %s as %i %s from %s (%s)',
    (id, step, duration, counting, from, article) => {
      const found = deadlines.find((d) => d.deadline.id === id);
      expect(found?.step).toBe(step);
      expect(found?.deadline).toMatchObject({ duration, counting, from });
      expect(found?.deadline.article).toMatch(article);
    },
  );

  it('lets a body extend only the route-6 handling period, once, by at most 30 days, with its reason (Art. 34)', () => {
    const extendable = deadlines.filter((d) => d.deadline.extension);
    expect(extendable.map((d) => d.deadline.id)).toEqual(['handling']);
    expect(extendable[0]!.deadline.extension).toEqual({
      maxDays: 30,
      maxTimes: 1,
      approvalRoles: ['department'],
      reasonRequired: true,
      // The body's head approves (the approver claim), and the days count from the end of the 60 (Art. 34).
      approval: {
        title: '本机关负责人',
        accountability: {
          failure: '未经本机关负责人批准延长办理期限',
          article: '《信访工作条例》第三十四条、第四十五条',
        },
      },
      from: 'period-end',
    });
    expect(extendable[0]!.deadline.spans).toEqual(['issue-opinion', 'reply']);
    expect(extendable[0]!.deadline.metric).toBe('completion');
    const extend = stepOf('handle').actions.find((a) => a.id === 'extend');
    expect(extend).toMatchObject({
      effect: { type: 'extend', deadline: 'handling' },
      document: 'extension-notice',
    });
  });

  it('excludes the hearing from the re-review period only (Art. 36)', () => {
    const pausable = deadlines.filter((d) => d.deadline.pause);
    expect(pausable.map((d) => [d.deadline.id, d.deadline.pause])).toEqual([
      ['re-review', { start: 'hearing-start', end: 'hearing-end', name: '听证', counting: 'inclusive' }],
    ]);
  });

  it("closes the petitioner's windows on expiry and refuses late requests (Art. 23 ¶3, 35, 36)", () => {
    const byId = Object.fromEntries(deadlines.map((d) => [d.deadline.id, d.deadline]));
    expect(byId['objection-window']).toMatchObject({ onExpiry: { kind: 'lapse' }, refuseAfter: ['object'] });
    // Judged on the request's receipt, entered up to 15 days after the window (Art. 35, 36).
    expect(byId['review-request-window']).toMatchObject({
      onExpiry: { kind: 'follow', to: 'closing' },
      refuseAfter: ['request-review'],
      lateEntry: { field: 'receivedAt', graceDays: 15 },
    });
    expect(byId['re-review-request-window']).toMatchObject({
      onExpiry: { kind: 'follow', to: 'closing' },
      refuseAfter: ['request-re-review'],
      lateEntry: { field: 'receivedAt', graceDays: 15 },
    });
    for (const id of ['forwarding', 'acceptance', 'handling', 'review', 're-review', 'execution']) {
      expect(byId[id]!.onExpiry.kind).toBe('overdue');
      expect(byId[id]!.accountability?.article).toMatch(/^《信访工作条例》第四十[三四五]条/);
    }
    expect(byId['acceptance']!.metric).toBe('acceptance');
  });

  it('marks only the end after a re-review final (Art. 36 ¶3)', () => {
    const ends = definition.elements.filter((e) => e.type === 'endEvent');
    expect(ends.filter((e) => e.type === 'endEvent' && e.final).map((e) => e.id)).toEqual(['final']);
    expect(ends.map((e) => e.id).sort()).toEqual(
      [
        'answered',
        'closed',
        'declined',
        'diverted',
        'final',
        'review-closed',
        'settled',
        'withdrawn',
        'not-accepted-again',
        'merged',
      ].sort(),
    );
  });

  it('declares the categories (Art. 22, 29–31), a report confidential (Art. 30), and the channels (Art. 17)', () => {
    expect(STATUTORY_CATEGORIES).toEqual(['suggestion', 'report', 'complaint']);
    expect(STATUTORY_CHANNELS).toEqual(['online', 'letter', 'phone', 'fax', 'visit']);
    const categories = definition.registration!.categories;
    expect(
      Object.entries(categories)
        .filter(([, c]) => c.confidential)
        .map(([id]) => id),
    ).toEqual(['report']);
    expect(categories['report']!.readMessage).toContain('第三十条');
  });

  it('declares the bodies behind the assignees: the handler, its superior (Art. 35) and the next one up (Art. 36)', () => {
    expect(definition.assignees).toEqual({
      department: { holder: 'department', role: 'department', receipt: 'receivedByBodyAt' },
      superior: { holder: 'reviewBody', role: 'superior' },
      'superior-of-superior': { holder: 'reReviewBody', role: 'superior' },
    });
  });

  it('orders supervision with a written answer within 15 days by default (Art. 40)', () => {
    const supervise = definition.globalActions.find((a) => a.id === 'supervise')!;
    expect(supervise.effect).toMatchObject({
      type: 'supervise',
      answer: {
        name: '督办答复期限',
        article: '《信访工作条例》第四十条',
        days: 15,
        counting: 'calendar-days',
      },
    });
  });

  it('declares the variables set at registration with their types', () => {
    expect(Object.keys(definition.registration!.variables)).toEqual([
      'category',
      'channel',
      'intake',
      'department',
      'identityClear',
      'receivedAt',
      'concerns',
      'registeredAt',
      'lateRegistrationDays',
      'sameMatterAs',
      'sameMatterFinal',
      'sameMatterOpen',
    ]);
    expect(definition.variables).toMatchObject({
      category: { type: 'string', values: ['suggestion', 'report', 'complaint'] },
      channel: { type: 'string', values: ['online', 'letter', 'phone', 'fax', 'visit'] },
      intake: { type: 'string', values: ['bureau', 'department'] },
      department: { type: 'string' },
      identityClear: { type: 'boolean' },
      receivedAt: { type: 'datetime' },
      concerns: { type: 'string' },
    });
  });

  describe('routing (FEEL as the engine evaluates it)', () => {
    const base = {
      category: 'complaint',
      channel: 'letter',
      intake: 'bureau',
      department: null,
      identityClear: true,
      concerns: null,
      route: null,
    };

    it('sends a petition registered at the bureau to forwarding (Art. 22) and a direct one to the body (Art. 23 ¶2)', () => {
      expect(choose(definition, 'intake-route', { ...base, intake: 'bureau' })).toBe('forward');
      expect(choose(definition, 'intake-route', { ...base, intake: 'department' })).toBe('accept-notice');
    });

    it('starts the clocks of the bureau or the body at receipt', () => {
      const start = definition.elements.find((e) => e.type === 'startEvent');
      if (start?.type !== 'startEvent') throw new Error('no start event');
      const receivedAt = '2026-03-02T01:00:00.000Z';
      const at = (intake: string, name: string) =>
        evaluate(start.set[name]!, { ...base, intake, receivedAt }).value;
      expect([at('bureau', 'receivedByBureauAt'), at('bureau', 'receivedByBodyAt')]).toEqual([
        receivedAt,
        null,
      ]);
      expect([at('department', 'receivedByBureauAt'), at('department', 'receivedByBodyAt')]).toEqual([
        null,
        receivedAt,
      ]);
      expect(at('department', 'channelName')).toBe('来信');
    });

    it('skips the written notices where the name or address is unclear (Art. 23 ¶2)', () => {
      expect(choose(definition, 'acceptance-notice-owed', { ...base, identityClear: true })).toBe(
        'send-acceptance-notice',
      );
      expect(choose(definition, 'acceptance-notice-owed', { ...base, identityClear: false })).toBe(
        'category-route',
      );
      expect(choose(definition, 'refusal-notice-owed', { ...base, identityClear: false })).toBe('declined');
    });

    it.each([
      ['suggestion', null, 'handle-suggestion'],
      ['report', null, 'handle-report'],
      ['complaint', 'duty', 'handle-request'],
      ['complaint', 'investigation', 'handle'],
    ])('routes a %s (route %s) to %s (Art. 29–31)', (category, route, step) => {
      expect(choose(definition, 'category-route', { ...base, category, route })).toBe(step);
    });

    it('offers a review only after a route-6 handling opinion (Art. 35)', () => {
      expect(choose(definition, 'review-available', { ...base, route: 'investigation' })).toBe(
        'review-window',
      );
      // The others close once nothing is owed: the execution of a supported opinion, then an evaluation (Art. 21).
      expect(choose(definition, 'review-available', { ...base, route: 'duty' })).toBe('closing');
      expect(choose(definition, 'review-available', { ...base, category: 'suggestion' })).toBe('closing');
    });

    it('sets the complaint route on acceptance, route 6 unless the body chooses route 5', () => {
      const accept = stepOf('accept-notice').actions.find((a) => a.id === 'accept')!;
      const route = (category: string, input: Record<string, unknown>) =>
        evaluate(accept.set['route']!, { ...base, category, input }).value;
      expect(route('complaint', {})).toBe('investigation');
      expect(route('complaint', { route: 'duty' })).toBe('duty');
      expect(route('report', { route: 'duty' })).toBeNull();
    });

    it('refuses to forward a report to the body it is about (Art. 30)', () => {
      const guard = stepOf('forward').actions.find((a) => a.id === 'forward')!.guards[0]!;
      const holds = (category: string, department: string) =>
        evaluate(guard.condition, { ...base, category, concerns: 'city-police', input: { department } })
          .value;
      expect(holds('report', 'city-police')).toBe(false);
      expect(holds('report', 'discipline-commission')).toBe(true);
      expect(holds('complaint', 'city-police')).toBe(true);
      expect(guard.article).toBe('《信访工作条例》第三十条');
    });

    it('lets only a forwarded body object (Art. 23 ¶3) and diverts complaints only (Art. 31)', () => {
      const object = stepOf('accept-notice').actions.find((a) => a.id === 'object')!;
      expect(evaluate(object.guards[0]!.condition, { ...base, intake: 'department' }).value).toBe(false);
      expect(
        evaluate(object.guards[0]!.condition, { ...base, intake: 'bureau', forwardedBy: null }).value,
      ).toBe(true);
      // The bureau verifies the objection; agreed, the hand-back is a delivery back to the bureau, which then holds
      // `forward` again.
      expect(object.to).toBe('verify-objection');
      const agree = stepOf('verify-objection').actions.find((a) => a.id === 'agree-objection')!;
      expect(agree.to).toBe('hand-back');
      expect(definition.flows.find((f) => f.from === 'hand-back')?.to).toBe('forward');
      for (const [, action] of offerings.filter(([, a]) => a.id === 'divert')) {
        expect(evaluate(action.guards[0]!.condition, { ...base, category: 'report' }).value).toBe(false);
        expect(action.to).toBe('send-diversion-notice');
      }
    });

    it('takes the service date of the reply, or the time of the action', () => {
      const reply = stepOf('reply').actions[0]!;
      const served = (input: Record<string, unknown>) =>
        evaluate(reply.set['replyServedAt']!, { ...base, input, actionTime: '2026-04-01T02:00:00.000Z' })
          .value;
      expect(served({ servedAt: '2026-03-30T02:00:00.000Z' })).toBe('2026-03-30T02:00:00.000Z');
      expect(served({})).toBe('2026-04-01T02:00:00.000Z');
    });
  });
});

describe('petition-2022@1, frozen: petitions registered before version 2 keep following it', () => {
  const v1 = loadStatutoryDefinition(1);

  it('keeps its content hash and its generated module', async () => {
    expect(statutoryDefinitionHash(1)).toBe(V1_HASH);
    expect(builtInDefinition({ id: STATUTORY_DEFINITION_ID, version: 1 })?.hash).toBe(V1_HASH);
    expect(await renderGeneratedModule(V1_YAML_FILE)).toBe(
      readFileSync(generatedFileOf(V1_YAML_FILE), 'utf8'),
    );
    expect(validateSource(readFileSync(V1_YAML_FILE, 'utf8'), 'yaml').issues).toEqual([]);
  });

  it('is still shipped, beside version 2, and seeds a new registry with it', () => {
    expect(statutoryDefinitions().map((d) => d.version)).toEqual([1, 2]);
    expect(pinDefinition(v1, V1_HASH)).toEqual({
      definitionRef: { id: STATUTORY_DEFINITION_ID, version: 1 },
    });
  });

  /**
   * Version 2 began as version 1 with its implicit declarations written out; issues 12 and 13 then gave version 2
   * behaviour of its own (new steps, periods and declarations; its flags; the same matter, Arts. 19, 36 ¶3). What
   * still holds: upgrading version 1 writes out exactly the
   * declarations version 2 shares with it, and adds none of version 2's new ones — so version 1, and every history
   * recorded against it, behaves as it always did.
   */
  it('means, read as the language now defines it, what it always meant: the declarations version 2 shares, none of its new ones', () => {
    const upgraded = upgradeDefinition(v1);
    expect(upgraded.registration.categories).toEqual(definition.registration!.categories);
    expect(upgraded.registration.channels).toEqual(definition.registration!.channels);
    const {
      registeredAt: _r,
      lateRegistrationDays: _l,
      sameMatterAs: _s,
      sameMatterFinal: _sf,
      sameMatterOpen: _so,
      ...sharedVariables
    } = definition.registration!.variables;
    expect(upgraded.registration.variables).toEqual(sharedVariables);
    const { receipt: _receipt, ...department } = definition.assignees!.department!;
    expect(upgraded.assignees).toEqual({ ...definition.assignees, department });
    expect(upgraded.overrideRoles).toEqual(definition.overrideRoles);
    const supervise = (d: Definition) => d.globalActions.find((a) => a.id === 'supervise')!.effect;
    const {
      answeredBy: _a,
      accountability: _acc,
      ...sharedSupervision
    } = supervise(definition) as Extract<NonNullable<Action['effect']>, { type: 'supervise' }>;
    expect(supervise(upgraded)).toEqual(sharedSupervision);
    const pause = (d: Definition) =>
      d.elements.flatMap((e) => (e.type === 'userTask' ? e.deadlines : [])).find((x) => x.pause)!.pause;
    const { counting: _c, ...sharedPause } = pause(definition)!;
    expect(pause(upgraded)).toEqual(sharedPause);
    const final = (d: Definition) => d.elements.find((e) => e.id === 'final');
    expect(final(upgraded)).toEqual(final(definition));
    // None of version 2's declarations of issue 12, its flags or the same matter reach version 1.
    expect(upgraded.flags).toEqual({});
    const json = JSON.stringify(upgraded);
    for (const key of [
      'listedBody',
      'lateEntry',
      'metBy',
      'cancelledBy',
      'accountability',
      'answeredBy',
      'receipt"',
      'sameMatter',
      'same-matter',
    ])
      expect(json).not.toContain(key);
    expect(upgradeDefinition(definition)).toBe(definition);
  });
});
