import { IdSchema } from '../language/schema';
import type { ModdleElement, Reading } from './moddle';

const valid = (id: unknown): id is string => typeof id === 'string' && IdSchema.safeParse(id).success;

/** `Gateway_1f6a9ke` → `gateway-1f6a9ke`, `StartEvent_1` → `start-event-1`. */
function kebab(id: string): string {
  const words = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(words) ? words : `id-${words}`.replace(/-$/, '');
}

/**
 * The language ids of the elements of an imported file. Modellers name what a designer draws `Gateway_1f6a9ke` or
 * `Flow_0s7d3kq`; a language id is kebab case (it lives in petition histories), so such an id is read as its
 * kebab-case form (`gateway-1f6a9ke`), never clashing with an id the file already has, with a warning that says so.
 */
export class IdNames {
  private readonly names = new Map<ModdleElement, string>();
  private readonly taken: Set<string>;
  /** XML id → language id, for every id that was renamed. */
  readonly renamed: Record<string, string> = {};

  constructor(
    private readonly reading: Reading,
    all: readonly ModdleElement[],
  ) {
    this.taken = new Set(all.map((e) => e.get('id')).filter(valid));
  }

  /** The language id of an element (marks its XML id as read). */
  of(element: ModdleElement): string {
    const known = this.names.get(element);
    if (known !== undefined) return known;
    const id = this.reading.read(element, 'id');
    let name = typeof id === 'string' ? id : '';
    if (!valid(name)) {
      const base = kebab(name);
      name = base;
      for (let n = 2; this.taken.has(name); n++) name = `${base}-${n}`;
      this.taken.add(name);
      if (typeof id === 'string') this.renamed[id] = name;
      this.reading.report(
        'bpmn-id',
        element,
        `The id "${typeof id === 'string' ? id : ''}" is not a language id (lower-case kebab case: ids live in petition histories), so it is read as "${name}"; rename it in the modeller to choose the id yourself.`,
        { severity: 'warning', attribute: 'id' },
      );
    }
    this.names.set(element, name);
    return name;
  }

  /** A reference written in a pe: attribute (spans, steps, to) with the XML id of an element that was renamed. */
  reference(value: unknown): unknown {
    return typeof value === 'string' && this.renamed[value] !== undefined ? this.renamed[value] : value;
  }
}
