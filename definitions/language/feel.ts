import { evaluate, parseExpression } from 'feelin';

/** Static analysis of FEEL expressions (feelin's parser): syntax errors, free names, `input.x` uses, literals. */

type Tree = ReturnType<typeof parseExpression>;
type SyntaxNode = Tree['topNode'];

export interface FeelSyntaxError {
  message: string;
  /** 0-based offset in the expression. */
  offset: number;
}

export interface FeelComparison {
  /** `x = "a"` compares variable x; `input.f = "a"` compares field f. */
  subject: { kind: 'variable'; name: string } | { kind: 'input'; field: string };
  literal: string;
}

/** What an expression may evaluate to, as far as can be read statically (for enumerated variables). */
export type FeelResult =
  { kind: 'literal'; value: string } | { kind: 'input'; field: string } | { kind: 'variable'; name: string };

export interface FeelAnalysis {
  syntaxError?: FeelSyntaxError;
  /** Free variable names (not bound by `for`, `some`, `every`, a function or a context), in source order. */
  names: string[];
  /** Fields read from the reserved `input` context (`input.servedAt`). */
  inputFields: string[];
  /** Every `name.field` read from a free name (`petition.subject` → { name: 'petition', field: 'subject' }). */
  memberReads: Array<{ name: string; field: string }>;
  /** Functions called that FEEL does not know. */
  unknownFunctions: string[];
  comparisons: FeelComparison[];
  results: FeelResult[];
}

const functionKnown = new Map<string, boolean>();

/** Whether feelin knows a built-in function of this name (`count`, `string length`, …). */
function isBuiltinFunction(name: string): boolean {
  let known = functionKnown.get(name);
  if (known === undefined) {
    try {
      known = !evaluate(name, {}).warnings.some((w) => w.type === 'NO_VARIABLE_FOUND');
    } catch {
      known = false;
    }
    functionKnown.set(name, known);
  }
  return known;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(["\\/])/g, '$1');
}

/** Parses and analyses one FEEL expression; `names` are the declared names (they may contain no spaces). */
export function analyzeFeel(expression: string, declared: readonly string[] = []): FeelAnalysis {
  const analysis: FeelAnalysis = {
    names: [],
    inputFields: [],
    memberReads: [],
    unknownFunctions: [],
    comparisons: [],
    results: [],
  };
  if (expression.trim() === '') {
    analysis.syntaxError = { message: 'the expression is empty', offset: 0 };
    return analysis;
  }
  const context = Object.fromEntries(declared.map((n) => [n, null]));
  let tree: Tree;
  try {
    tree = parseExpression(expression, context, undefined);
  } catch (error) {
    analysis.syntaxError = { message: (error as Error).message, offset: 0 };
    return analysis;
  }
  const text = (node: SyntaxNode) => expression.slice(node.from, node.to);
  const nameOf = (node: SyntaxNode) => text(node).replace(/\s+/g, ' ').trim();

  let errorNode: SyntaxNode | undefined;
  const bound = new Set<string>();
  let hasFilter = false;
  tree.iterate({
    enter(ref) {
      if (ref.type.isError && !errorNode) errorNode = ref.node;
      if (ref.name === 'FilterExpression') hasFilter = true;
      if (ref.name === 'Name' || ref.name === 'Key') {
        const parent = ref.node.parent?.name;
        if (parent === 'InExpression' || parent === 'ParameterName' || ref.name === 'Key') {
          bound.add(nameOf(ref.node));
        }
      }
    },
  });
  if (errorNode) {
    analysis.syntaxError = {
      message: syntaxMessage(expression, context, errorNode.from),
      offset: errorNode.from,
    };
    return analysis;
  }
  if (hasFilter) bound.add('item');

  const visit = (node: SyntaxNode) => {
    if (node.name === 'VariableName') {
      const name = nameOf(node);
      const parent = node.parent;
      const isCallee = parent?.name === 'FunctionInvocation' && parent.firstChild?.from === node.from;
      if (isCallee) {
        if (!bound.has(name) && !declared.includes(name) && !isBuiltinFunction(name))
          analysis.unknownFunctions.push(name);
      } else if (!bound.has(name)) {
        analysis.names.push(name);
        if (parent?.name === 'PathExpression' && parent.firstChild?.from === node.from) {
          const field = node.nextSibling?.nextSibling;
          if (field?.name === 'PathName') {
            analysis.memberReads.push({ name, field: nameOf(field) });
            if (name === 'input') analysis.inputFields.push(nameOf(field));
          }
        }
      }
    }
    if (node.name === 'Comparison') {
      const [left, op, right] = children(node);
      if (left && op && right && (text(op) === '=' || text(op) === '!=')) {
        const subject = subjectOf(left, bound) ?? subjectOf(right, bound);
        const literal =
          left.name === 'StringLiteral' ? left : right.name === 'StringLiteral' ? right : undefined;
        if (subject && literal) analysis.comparisons.push({ subject, literal: unquote(text(literal)) });
      }
    }
    for (const child of children(node)) visit(child);
  };
  const subjectOf = (node: SyntaxNode, boundNames: Set<string>): FeelComparison['subject'] | undefined => {
    if (node.name === 'VariableName' && !boundNames.has(nameOf(node)))
      return { kind: 'variable', name: nameOf(node) };
    if (node.name === 'PathExpression') {
      const [head, , field] = children(node);
      if (head?.name === 'VariableName' && nameOf(head) === 'input' && field?.name === 'PathName') {
        return { kind: 'input', field: nameOf(field) };
      }
    }
    return undefined;
  };
  const collectResults = (node: SyntaxNode) => {
    if (node.name === 'Expression' || node.name === 'ParenthesizedExpression') {
      for (const child of children(node)) if (child.name !== '(' && child.name !== ')') collectResults(child);
      return;
    }
    if (node.name === 'IfExpression') {
      const parts = children(node);
      const thenAt = parts.findIndex((p) => p.name === 'then');
      const elseAt = parts.findIndex((p) => p.name === 'else');
      const thenBranch = parts[thenAt + 1];
      const elseBranch = parts[elseAt + 1];
      if (thenBranch) collectResults(thenBranch);
      if (elseBranch) collectResults(elseBranch);
      return;
    }
    if (node.name === 'StringLiteral') {
      analysis.results.push({ kind: 'literal', value: unquote(text(node)) });
      return;
    }
    const subject = subjectOf(node, bound);
    if (subject?.kind === 'input') analysis.results.push({ kind: 'input', field: subject.field });
    if (subject?.kind === 'variable') analysis.results.push({ kind: 'variable', name: subject.name });
  };
  visit(tree.topNode);
  collectResults(tree.topNode);
  return analysis;
}

/** feelin's own wording for a syntax error when it gives one (its interpreter lints the tree before running). */
function syntaxMessage(expression: string, context: Record<string, unknown>, offset: number): string {
  try {
    evaluate(expression, context);
  } catch (error) {
    const message = (error as Error).message;
    if (message) return message;
  }
  return `unexpected input at offset ${offset}`;
}
