/**
 * The parts of bpmn-moddle, bpmn-auto-layout and saxen this folder uses. bpmn-moddle 10 ships types only for its
 * meta-model (`bpmn-moddle/types`), not for its entry point, and the other two ship none.
 */
declare module 'bpmn-moddle' {
  /** A property of a moddle type, as its descriptor declares it. */
  export interface PropertyDescriptor {
    name: string;
    ns: { name: string; prefix: string; localName: string };
    type: string;
    isAttr?: boolean;
    isBody?: boolean;
    isMany?: boolean;
    isReference?: boolean;
    isVirtual?: boolean;
  }

  export interface TypeDescriptor {
    name: string;
    properties: PropertyDescriptor[];
    propertiesByName: Record<string, PropertyDescriptor>;
    isGeneric?: boolean;
  }

  /** An instance of a moddle type: its properties are plain members, attributes it does not know in `$attrs`. */
  export interface ModdleElement {
    $type: string;
    $attrs: Record<string, string>;
    $parent?: ModdleElement;
    $descriptor: TypeDescriptor;
    /** The child elements of an element of an unknown namespace. */
    $children?: ModdleElement[];
    $body?: string;
    get(name: string): unknown;
    set(name: string, value: unknown): void;
    $instanceOf(type: string): boolean;
    [property: string]: unknown;
  }

  export interface ParseWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }

  export interface ParseResult {
    rootElement: ModdleElement;
    elementsById: Record<string, ModdleElement>;
    warnings: ParseWarning[];
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    create(type: string, attrs?: Record<string, unknown>): ModdleElement;
    /** A type as registered (names qualified: `pe:assignee`). */
    getTypeDescriptor(type: string): { name: string; extends?: string[]; properties: PropertyDescriptor[] };
    /** The constructor of a type; its prototype's `$descriptor` is the effective descriptor. */
    getType(type: string): { prototype: { $descriptor: TypeDescriptor } };
    fromXML(xml: string, options?: Record<string, unknown>): Promise<ParseResult>;
    toXML(element: ModdleElement, options?: { format?: boolean }): Promise<{ xml: string }>;
  }
}

declare module 'bpmn-auto-layout' {
  /** Lays out the first process of a BPMN document and answers the document with its BPMN DI. */
  export function layoutProcess(xml: string): Promise<string>;
}

declare module 'saxen' {
  export interface ParserContext {
    /** 0-based. */
    line: number;
    /** 0-based. */
    column: number;
    data: string;
  }
  type GetContext = () => ParserContext;
  export class Parser {
    constructor(options?: { proxy?: boolean });
    on(
      event: 'openTag',
      handler: (
        name: string,
        getAttrs: () => Record<string, string>,
        decodeEntities: (s: string) => string,
        selfClosing: boolean,
        getContext: GetContext,
      ) => void,
    ): this;
    on(
      event: 'closeTag',
      handler: (name: string, decodeEntities: (s: string) => string, selfClosing: boolean) => void,
    ): this;
    on(event: 'error' | 'warn', handler: (error: Error, getContext: GetContext) => void): this;
    parse(xml: string): this;
    stop(): void;
  }
}
