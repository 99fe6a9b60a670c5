/** What the designer's routes answer (api/schemas/designer.ts, api/schemas/definitions.ts). */

export interface Issue {
  rule: string;
  elementId?: string;
  path: string;
  message: string;
  line?: number;
  column?: number;
  severity?: 'warning';
}

export interface DefinitionSummary {
  id: string;
  version: number;
  hash: string;
  name: string;
  publishedAt: string;
}

export interface Draft {
  id: string;
  revision: number;
  source: string;
  format: 'yaml' | 'json' | 'bpmn';
  basedOn?: number;
  savedAt: string;
  savedBy: { role: string; id?: string };
}

export interface Change {
  kind: 'added' | 'removed' | 'changed';
  scope: string;
  id: string;
  elementId?: string;
  name?: string;
  fields?: Array<{ path: string; before?: unknown; after?: unknown }>;
}

export interface Diff {
  base: { id: string; version: number; hash: string };
  draft: { id: string; version: number; hash: string };
  same: boolean;
  changes: Change[];
}

export interface SimDeadline {
  id: string;
  key: string;
  name: string;
  step: string;
  article: string;
  state: string;
  from: string;
  duration: number;
  counting: string;
  extendedDays: number;
  pausedDays: number;
  dueAt: string | null;
  lastDay: string | null;
  provisional: boolean;
  overdue: boolean;
  explanation: string;
}

export interface SimEntry {
  seq: number;
  at: string;
  type: string;
  step?: string;
  deadline?: string;
  message: string;
}

export interface Simulation {
  definition: { id: string; version: number; hash: string; from: 'published' | 'source' };
  steps: Array<{
    at: string;
    element: string;
    name: string;
    type: string;
    cause: { kind: string; index?: number; action?: string; element?: string };
  }>;
  deadlines: SimDeadline[];
  happenings: SimEntry[];
  documents: Array<{ id: string; kind: string; title: string; step: string; generatedAt: string }>;
  refused?: { index: number; action: string; at: string; step: string; type: string; message: string };
  failed?: { at: string; step: string; message: string };
  end: {
    status: 'open' | 'closed';
    step: string;
    stepName: string;
    outcome: { outcome: string; final: boolean; at: string } | null;
    at: string;
  };
}

/** The parts of a published definition the dry-run form offers (GET /v1/definitions/:id). */
export interface PublishedModel {
  registration?: {
    categories?: Record<string, { name: string }>;
    channels?: Record<string, { name: string }>;
  };
  elements: Array<{
    id: string;
    type: string;
    name?: string;
    actions?: Array<{
      id: string;
      name: string;
      fields?: Record<string, { type: string; required?: boolean; values?: string[]; min?: number }>;
    }>;
  }>;
  globalActions?: Array<{
    id: string;
    name: string;
    fields?: Record<string, { type: string; required?: boolean; values?: string[]; min?: number }>;
  }>;
}
