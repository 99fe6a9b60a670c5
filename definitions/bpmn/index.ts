/**
 * BPMN 2.0 XML at the edge (design.md, settled point 12): export a definition as BPMN with our `pe:` extensions and a
 * diagram, import one back — the engine keeps its own model. Only the API and scripts import this module; the
 * workflow bundle never does (bpmn-moddle has no place in the sandbox), which eslint.config.js enforces.
 */
export { toBpmnXml, EXPORTER, EXPORTER_VERSION } from './export';
export { fromBpmnXml, type BpmnImport } from './import';
export { MAX_XML_DEPTH } from './xml-scan';
export { PE_PREFIX, PE_URI, peModdleDescriptor } from './moddle';
export { actionFlowId, deadlineEventId, expiryFlowId } from './ids';

/** The media type of BPMN 2.0 XML (as the API answers and accepts it). */
export const BPMN_MEDIA_TYPE = 'application/bpmn+xml';
