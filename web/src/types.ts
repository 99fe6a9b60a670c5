/** The API's answers as the console reads them (api/schemas/*.ts). */

export type StaffRole = 'registrar' | 'department' | 'superior' | 'supervisor' | 'designer' | 'admin';
export const STAFF_ROLES: readonly StaffRole[] = [
  'registrar',
  'department',
  'superior',
  'supervisor',
  'designer',
  'admin',
];

export interface Deadline {
  id: string;
  key: string;
  name: string;
  step: string;
  article: string;
  state: 'pending' | 'running' | 'paused' | 'met' | 'missed' | 'cancelled';
  dueAt: string | null;
  lastDay: string | null;
  provisional: boolean;
  paused: boolean;
  overdue: boolean;
  explanation: string;
  counting: string;
  duration: number;
  extendedDays: number;
  pausedDays: number;
  from: string;
  closedAt: string | null;
  missedAt: string | null;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  step?: string;
  actor?: { role: string; id?: string; department?: string };
  action?: string;
  deadline?: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface Person {
  name: string;
  address?: string;
  phone?: string;
  idNumber?: string;
  email?: string;
}

export interface Petition {
  id: string;
  status: 'open' | 'closed';
  step: string;
  stepName: string;
  category: string;
  channel: string;
  department: string | null;
  concerns?: string | null;
  receivedAt: string;
  definition: { id: string; version: number; hash: string };
  subject: string;
  content: string;
  petitioner: Person;
  identityMasked: boolean;
  representatives: Person[];
  attachments: Array<{ name: string; ref: string }>;
  deadlines: Deadline[];
  availableActions: string[];
  timeline: TimelineEntry[];
  documents: Array<{
    id: string;
    kind: string;
    title: string;
    text: string;
    step: string;
    generatedAt: string;
  }>;
  supervision: Array<{
    seq: number;
    issuedAt: string;
    reason: string;
    answerDays: number;
    step: string;
    department?: string;
  }>;
  outcome: { endEvent: string; outcome: string; final: boolean; at: string } | null;
  metrics: { acceptedOnTime?: boolean; finishedOnTime?: boolean; satisfaction?: string };
  accessCode?: string;
}

export interface Field {
  type: 'string' | 'text' | 'integer' | 'boolean' | 'datetime' | 'enum';
  required: boolean;
  values?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
  description?: string;
}

export interface ActionForm {
  id: string;
  name: string;
  description?: string;
  fields: Record<string, Field>;
  document?: string;
}

export interface ActionForms {
  definition: { id: string; version: number; hash: string; name: string };
  step: { id: string; name: string; assignee: string | null; holder: string | null };
  actions: ActionForm[];
}

export interface ListItem {
  id: string;
  status: string | null;
  step: string | null;
  category: string | null;
  channel: string | null;
  department: string | null;
  receivedAt: string | null;
  dueAt: string | null;
  overdue: boolean;
}

export interface OverdueItem {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: string;
  overdueDays: number;
}

export interface AtRiskItem {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: string;
  remainingHours: number;
}

export interface Rate {
  rate: number | null;
  numerator: number;
  denominator: number;
}

export interface Stats {
  from: string | null;
  to: string | null;
  department: string | null;
  registered: number;
  timelyAcceptanceRate: Rate;
  onTimeCompletionRate: Rate;
  satisfactionRate: Rate;
}

export interface Department {
  code: string;
  name: string;
  superior: string | null;
}

export const CHANNELS = ['online', 'letter', 'phone', 'fax', 'visit'] as const;
export const CATEGORIES = ['suggestion', 'report', 'complaint'] as const;

/** How the console signs in, from `GET /console/config.json` (api/routes/console.ts). */
export interface ConsoleConfig {
  signIn: 'dev' | 'oidc' | 'none';
  oidc?: {
    issuer: string;
    clientId: string;
    scopes: string;
    roleClaim: string;
    deptClaim: string;
    resource?: string;
  };
}

/** A signed-in staff member: the bearer token and what it says. */
export interface Session {
  token: string;
  role: StaffRole;
  dept?: string;
  sub: string;
  name?: string;
  expiresAt: string;
  via: 'dev' | 'oidc';
}

/** `GET /v1/reports/annual`: the annual report of Art. 41. */
export interface AnnualReport {
  year: number;
  department: string | null;
  from: string;
  to: string;
  generatedAt: string;
  registered: number;
  byCategory: Array<{ key: string; name: string; count: number }>;
  byChannel: Array<{ key: string; name: string; count: number }>;
  byRoute: Array<{ key: string; name: string; count: number }>;
  byIntake: Array<{ key: string; name: string; count: number }>;
  handling: { forwarded: number; assigned: number; supervised: number };
  bodies: Array<{
    code: string;
    name: string;
    handled: number;
    finishedLate: number;
    complaints: number;
    reports: number;
    complainedAbout: number;
  }>;
  mostComplainedAbout: Array<{ code: string; name: string; complainedAbout: number }>;
  timeliness: { acceptance: Rate; handling: Rate };
  satisfaction: { satisfied: number; basicallySatisfied: number; unsatisfied: number; rate: Rate };
  suggestions: { total: number; adopted: number };
  reviews: ReviewCounts;
  reReviews: ReviewCounts;
  final: number;
}

export interface ReviewCounts {
  requested: number;
  pending: number;
  support: number;
  explain: number;
  reject: number;
}
