/**
 * What every phase of the bench is given: the environment it runs against, the run's settings, a keep-alive HTTP
 * client for the API and bearer tokens for each role it acts as.
 */
import { randomBytes } from 'node:crypto';
import { mintToken } from '../../api/auth/secret';
import type { StaffRole } from '../../api/auth/principal';
import type { BenchEnvironment } from './environment';
import { createHttpClient, type HttpClient } from './http';

export interface Settings {
  mode: 'quick' | 'full';
  levels: number[];
  phaseSeconds: number;
  warmupSeconds: number;
  /** Upper bound of operations in one measured phase (keeps every loop bounded in count). */
  maxOpsPerPhase: number;
  open: number;
  seedConcurrency: number;
  overdueFraction: number;
  seedTimeoutSeconds: number;
  querySamples: number;
  memPetitions: number;
  idempotencyKeys: boolean;
  /**
   * Seed with the worker running and wait until it has run every seeded petition (the product as deployed).
   * Default: stop the worker first and start each petition with the search attributes its first workflow task
   * would publish (bench/lib/petitions.ts), so the queries are measured on the visibility store alone.
   */
  seedWithWorker: boolean;
  logLevel: string;
}

export interface Context {
  env: BenchEnvironment;
  settings: Settings;
  http: HttpClient;
  /** Distinguishes this run's workflow ids from any other run's on the same server. */
  runTag: string;
  tokens: {
    registrar: string;
    supervisor: string;
    admin: string;
    department(code: string): string;
    superior(code: string): string;
  };
}

export function createContext(env: BenchEnvironment, settings: Settings): Context {
  const mint = (role: StaffRole, sub: string, dept?: string) =>
    mintToken(env.jwtSecret, { role, sub, ...(dept !== undefined && { dept }), ttlSeconds: 6 * 3600 });
  const perBody = (role: 'department' | 'superior', prefix: string) => {
    const cache = new Map<string, string>();
    return (code: string): string => {
      let token = cache.get(code);
      if (!token) cache.set(code, (token = mint(role, `${prefix}-${code}`, code)));
      return token;
    };
  };
  return {
    env,
    settings,
    http: createHttpClient(env.apiUrl, { timeoutMs: 30_000 }),
    runTag: randomBytes(3).toString('hex'),
    tokens: {
      registrar: mint('registrar', 'bench-registrar'),
      supervisor: mint('supervisor', 'bench-supervisor'),
      admin: mint('admin', 'bench-admin'),
      department: perBody('department', 'bench-staff'),
      superior: perBody('superior', 'bench-superior'),
    },
  };
}

/** The `authorization` header for a bearer token. */
export const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
