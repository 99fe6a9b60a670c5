import { Parser } from 'saxen';
import type { Issue } from '../language/issue';

/**
 * How deep a BPMN file may nest elements. Files from modellers nest about ten levels (definitions › process › task ›
 * extensionElements › extension › …); moddle builds a tree of any depth, and a 100,000-deep document takes it
 * seconds of CPU, so anything past this is refused before moddle sees it.
 */
export const MAX_XML_DEPTH = 100;

/**
 * A first pass over the text with saxen (the tokenizer moddle itself uses): is it well-formed XML, and no deeper
 * than {@link MAX_XML_DEPTH}? Answers the issue that stops an import, or undefined.
 */
export function scanXml(xml: string): Issue | undefined {
  const parser = new Parser();
  let depth = 0;
  let problem: Issue | undefined;
  const stop = (message: string, context: { line: number; column: number }) => {
    problem ??= {
      rule: 'bpmn-xml',
      path: '',
      message,
      line: context.line + 1,
      column: context.column + 1,
    };
    parser.stop();
  };
  parser.on('openTag', (_name, _attrs, _decode, selfClosing, getContext) => {
    if (selfClosing || ++depth <= MAX_XML_DEPTH) return;
    const at = getContext();
    stop(
      `The XML nests elements more than ${MAX_XML_DEPTH} levels deep (line ${at.line + 1}); a BPMN file is a few levels deep: send the BPMN file a modeller saved.`,
      at,
    );
  });
  parser.on('closeTag', (_name, _decode, selfClosing) => {
    if (!selfClosing) depth--;
  });
  parser.on('error', (error, getContext) => {
    const at = getContext();
    stop(
      `The text is not well-formed XML: ${error.message} at line ${at.line + 1}, column ${at.column + 1}; send a BPMN 2.0 XML file.`,
      at,
    );
  });
  parser.parse(xml);
  return problem;
}
