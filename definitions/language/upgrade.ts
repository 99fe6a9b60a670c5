import type {
  Action,
  AssigneeDeclaration,
  Assignee,
  Deadline,
  Definition,
  Effect,
  Element,
  GlobalAction,
  Registration,
} from './schema';

/**
 * What definitions written before the engine's statute moved into the language implicitly meant.
 *
 * Until `petition-2022@2`, the engine itself knew the 2022 Regulation on Petition Work (《信访工作条例》) and applied
 * it to every definition: the variables it set at registration, the bodies and roles behind the assignees, the
 * 督办 answer period of 15 days under Art. 40, the hearing that pauses a deadline, the finality of Art. 36 ¶3, and
 * the confidentiality of a report under Art. 30. Those are now declarations of the definition. A definition that
 * lacks one — `petition-2022@1`, a snapshot in a running petition's history, one a designer published before —
 * still means exactly what it meant: `upgradeDefinition` adds what the engine used to assume, field by field, and
 * the interpreter reads every definition through it.
 *
 * Never applied before hashing: a definition's content hash is that of the definition as written, so published
 * versions keep their hashes.
 */

/** The categories of Art. 22, 29–31; a report (检举控告) is confidential (Art. 30). */
const CATEGORIES: Registration['categories'] = {
  suggestion: { name: '建议意见类', confidential: false },
  report: {
    name: '检举控告类',
    confidential: true,
    readMessage: '检举控告材料被查阅：{{reader}}（第三十条）',
  },
  complaint: { name: '申诉求决类', confidential: false },
};

/** The channels of Art. 17. */
const CHANNELS: Registration['channels'] = {
  online: { name: '网上信访' },
  letter: { name: '来信' },
  phone: { name: '来电' },
  fax: { name: '传真' },
  visit: { name: '来访' },
};

/** The variables the engine set at registration, as FEEL over the registered facts. */
const VARIABLES: Registration['variables'] = {
  category: 'petition.category',
  channel: 'petition.channel',
  intake: 'if petition.department != null and petition.department != "" then "department" else "bureau"',
  department: 'petition.department',
  // JavaScript's trim() and the regular expression \s agree on what is blank.
  identityClear:
    'matches(petition.petitioner.name, "\\S") = true and matches(petition.petitioner.address, "\\S") = true',
  receivedAt: 'petition.receivedAt',
  concerns: 'petition.concerns',
};

const REGISTERED_MESSAGE =
  '"信访事项已登记：" + (if intake = "department" then "由 " + department + " 直接收到（第二十三条第二款）" ' +
  'else "由信访部门登记（第二十二条）") + "，渠道 " + channel + "，类别 " + category';

/** The bodies behind the assignees: the handling department, its superior (Art. 35) and that one's (Art. 36). */
const ASSIGNEES: Partial<Record<Assignee, AssigneeDeclaration>> = {
  department: { holder: 'department', role: 'department' },
  superior: { holder: 'reviewBody', role: 'superior' },
  'superior-of-superior': { holder: 'reReviewBody', role: 'superior' },
};

/** Administrators act in any step. */
const OVERRIDE_ROLES = ['admin'];

/** The 督办 order of Art. 40. */
const SUPERVISION = {
  answer: {
    name: '督办答复期限',
    article: '《信访工作条例》第四十条',
    days: 15,
    counting: 'calendar-days',
  },
  message: '信访部门督办：{{reason}}；应于 {{answerDays}} 日内书面答复（第四十条）',
  notice: '督办：{{reason}}（{{answerDays}}日内书面答复，《信访工作条例》第四十条）',
} as const;

/** The one pause the statute allows: the re-review's hearing (Art. 36). */
const PAUSE_NAME = '听证';

/** Art. 36 ¶3: a final end bars the same matter from being petitioned again. */
const FINAL_NOTE = '终结，第三十六条第三款';
const FINAL_REFUSAL_NOTE = '复核意见已作出，该信访事项已终结（《信访工作条例》第三十六条第三款）。';

/** A definition with every declaration the engine reads at definition level. */
export type UpgradedDefinition = Definition &
  Required<Pick<Definition, 'registration' | 'assignees' | 'overrideRoles' | 'flags'>>;

const upgraded = new WeakMap<Definition, UpgradedDefinition>();

/**
 * The definition with what it lacks of the declarations above, as a definition written before them meant it.
 * Pure; the same object back when nothing is missing (and the same upgraded object for the same input).
 */
export function upgradeDefinition(definition: Definition): UpgradedDefinition {
  const cached = upgraded.get(definition);
  if (cached) return cached;
  let result: UpgradedDefinition;
  if (isComplete(definition)) {
    result = definition as UpgradedDefinition;
  } else {
    result = {
      ...definition,
      registration: definition.registration ?? {
        categories: CATEGORIES,
        channels: CHANNELS,
        variables: VARIABLES,
        message: REGISTERED_MESSAGE,
      },
      assignees: definition.assignees ?? ASSIGNEES,
      overrideRoles: definition.overrideRoles ?? OVERRIDE_ROLES,
      // Flags came with the PetitionFlags search attribute: a definition written before sets none, so its petitions
      // upsert exactly what they did (their recorded histories replay).
      flags: definition.flags ?? {},
      elements: definition.elements.map(upgradeElement),
      globalActions: definition.globalActions.map(upgradeAction),
    };
  }
  upgraded.set(definition, result);
  return result;
}

function isComplete(definition: Definition): boolean {
  return (
    definition.registration !== undefined &&
    definition.assignees !== undefined &&
    definition.overrideRoles !== undefined &&
    definition.flags !== undefined &&
    definition.elements.every((element) => upgradeElement(element) === element) &&
    definition.globalActions.every((action) => upgradeAction(action) === action)
  );
}

function upgradeElement(element: Element): Element {
  switch (element.type) {
    case 'endEvent':
      if (!element.final || (element.note !== undefined && element.refusalNote !== undefined)) return element;
      return {
        ...element,
        note: element.note ?? FINAL_NOTE,
        refusalNote: element.refusalNote ?? FINAL_REFUSAL_NOTE,
      };
    case 'userTask': {
      const actions = element.actions.map(upgradeAction);
      const deadlines = element.deadlines.map(upgradeDeadline);
      const same =
        actions.every((a, i) => a === element.actions[i]) &&
        deadlines.every((d, i) => d === element.deadlines[i]);
      return same ? element : { ...element, actions, deadlines };
    }
    default:
      return element;
  }
}

function upgradeAction<A extends Action | GlobalAction>(action: A): A {
  const effect = action.effect;
  if (!effect) return action;
  const upgradedEffect = upgradeEffect(effect);
  return upgradedEffect === effect ? action : { ...action, effect: upgradedEffect };
}

function upgradeEffect(effect: Effect): Effect {
  if (effect.type !== 'supervise') return effect;
  if (effect.answer && effect.message && effect.notice) return effect;
  return {
    ...effect,
    answer: effect.answer ?? { ...SUPERVISION.answer },
    message: effect.message ?? SUPERVISION.message,
    notice: effect.notice ?? SUPERVISION.notice,
  };
}

function upgradeDeadline(deadline: Deadline): Deadline {
  if (!deadline.pause || deadline.pause.name !== undefined) return deadline;
  return { ...deadline, pause: { ...deadline.pause, name: PAUSE_NAME } };
}
