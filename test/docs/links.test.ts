/**
 * The documentation stays true to itself and to the code: the README stays short, every relative link and anchor
 * in README.md, docs/*.md and bench/README.md resolves, and what the documents list — environment variables, npm
 * scripts, endpoints, dependencies — is what the code has. No server is needed: the OpenAPI document is read from
 * the real app, built on a connection that is never used.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HTTPMethods } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { configVariableNames, loadConfig } from '../../config';
import { createClient, createLazyConnection } from '../../config/temporal';
import { freePort } from '../../scripts/temporal-servers';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';
import { testDataConverter, testPayloadCodec } from '../helpers/temporal';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rel = (file: string) => path.relative(root, file);
const read = (file: string) => readFileSync(file, 'utf8');

const docs = readdirSync(path.join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => path.join(root, 'docs', f));
/** Every document this test holds to its links. */
const documents = [path.join(root, 'README.md'), ...docs, path.join(root, 'bench', 'README.md')];

/** The lines of a markdown file outside fenced code blocks, with inline code spans blanked out. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
  });
}

/** Link targets of a markdown file: inline links `[text](target)` and reference definitions `[x]: target`. */
function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (const line of prose(text)) {
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]!);
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (def) targets.push(def[1]!);
  }
  return targets;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

describe('the README', () => {
  it('is at most 150 lines long', () => {
    const lines = read(path.join(root, 'README.md')).trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(150);
  });

  it('links to every document in docs/', () => {
    const targets = new Set(linkTargets(read(path.join(root, 'README.md'))).map((t) => t.split('#')[0]));
    expect(docs.map((d) => rel(d)).filter((d) => !targets.has(d))).toEqual([]);
  });
});

describe('links in README.md, docs/*.md and bench/README.md', () => {
  it.each(documents.map((file) => [rel(file), file]))(
    'every relative link and anchor in %s resolves to a file in the repository and a heading in it',
    (_name, file) => {
      const broken: string[] = [];
      for (const target of linkTargets(read(file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http(s), mailto: not checked offline
        const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
        const resolved = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURI(pathPart));
        if (!resolved.startsWith(root) || !existsSync(resolved)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor === undefined) continue;
        if (!resolved.endsWith('.md') || statSync(resolved).isDirectory()) {
          broken.push(`${target}: an anchor into something that is not a markdown file`);
        } else if (!anchors(read(resolved)).has(decodeURIComponent(anchor))) {
          broken.push(`${target}: no heading with that anchor in ${rel(resolved)}`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});

describe('what the documents list is what the code has', () => {
  const all = documents.map(read).join('\n');

  it('docs/configuration.md has a row for every environment variable config/index.ts reads', () => {
    const configuration = read(path.join(root, 'docs', 'configuration.md'));
    const missing = configVariableNames.filter((name) => !configuration.includes(`| \`${name}\``));
    expect(missing).toEqual([]);
  });

  it('every configuration variable the documents name is one config/index.ts reads', () => {
    const named = new Set(
      all.match(/\b(?:TEMPORAL|API|JWT|SMTP|WORKER|DATA|LOG)_[A-Z0-9_]*[A-Z0-9]\b/g) ?? [],
    );
    const known = new Set<string>(configVariableNames);
    expect([...named].filter((name) => !known.has(name))).toEqual([]);
  });

  it('every `npm run` command in the documents is a script of package.json', () => {
    const scripts = Object.keys(JSON.parse(read(path.join(root, 'package.json'))).scripts as object);
    const used = new Set([...all.matchAll(/npm run (?:-s )?([a-z][\w:-]*)/g)].map((m) => m[1]!));
    expect([...used].filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it('the Dependencies section of docs/architecture.md names every dependency of package.json, and no other', () => {
    const pkg = JSON.parse(read(path.join(root, 'package.json'))) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    const section = read(path.join(root, 'docs', 'architecture.md')).split(/^## Dependencies$/m)[1] ?? '';
    const rows = section.split('\n').filter((line) => /^\|\s*(dev: )?`/.test(line));
    const named = rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    expect(declared.filter((name) => !named.includes(name))).toEqual([]);
    expect(named.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('docs/operations.md lists every search attribute with its type, and registers each in its commands', () => {
    const operations = read(path.join(root, 'docs', 'operations.md'));
    const rows = new Map(
      [...operations.matchAll(/^\|\s*`(Petition\w+)`\s*\|\s*(\w+)\s*\|/gm)].map((m) => [
        m[1]!,
        m[2]!.toLowerCase(),
      ]),
    );
    const registered = new Map<string, string>();
    for (const m of operations.matchAll(
      /search-attribute create[^`]*?--type (\w+)((?:\s*\\?\s*--name \w+)+)/g,
    ))
      for (const name of m[2]!.matchAll(/--name (\w+)/g)) registered.set(name[1]!, m[1]!.toLowerCase());
    const expected = new Map(
      searchAttributeRegistrations.map((r) => [r.name, String(r.type).toLowerCase().replace('_', '')]),
    );
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected));
    expect(Object.fromEntries(registered)).toEqual(Object.fromEntries(expected));
  });

  describe('the endpoints of docs/api.md', () => {
    let operations: string[] = [];
    /** Whether the app has a route of that method and path, documented or not (`GET /`, the console's files). */
    let hasRoute: (op: string) => boolean = () => false;
    let close: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      // The OpenAPI document of the real app; nothing here talks to Temporal, so the address need not answer.
      const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
      const connection = createLazyConnection(config);
      const app = buildApp({
        config,
        logger: pino({ level: 'silent' }),
        connection,
        client: createClient(config, connection, testDataConverter()),
        codec: { codec: testPayloadCodec(), allowedOrigins: [] },
      });
      close = async () => {
        await app.close();
        await connection.close().catch(() => undefined);
      };
      const res = await app.inject({ method: 'GET', url: '/docs/json' });
      expect(res.statusCode).toBe(200);
      const paths = (res.json() as { paths: Record<string, Record<string, unknown>> }).paths;
      operations = Object.entries(paths).flatMap(([p, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      hasRoute = (op) => {
        const [method, url] = op.split(' ', 2) as [HTTPMethods, string];
        return app.hasRoute({ method, url });
      };
    });
    afterAll(async () => {
      await close();
    });

    const table = () => {
      const section = read(path.join(root, 'docs', 'api.md'))
        .split(/^## Endpoints$/m)[1]!
        .split(/^## /m)[0]!;
      return [...section.matchAll(/^\|\s*`((?:GET|POST|PUT|PATCH|DELETE) \/[^`]*)`/gm)].map((m) => m[1]!);
    };

    it('lists every route the API serves', () => {
      expect(operations.length).toBeGreaterThan(10);
      expect(operations.filter((op) => !table().includes(op))).toEqual([]);
    });

    it('lists no route the API does not serve', () => {
      expect(table().filter((op) => !operations.includes(op))).toEqual([]);
    });

    it('and no document names a route the API does not serve', () => {
      // A trailing slash is dropped (`GET /console/` is the route `/console`), but `GET /` stays the root.
      const mentioned = new Set(
        [...all.matchAll(/`((?:GET|POST|PUT|PATCH|DELETE) \/[^`\s?]*)/g)].map((m) =>
          m[1]!.replace(/(\S)\/$/, '$1'),
        ),
      );
      // Served: the OpenAPI document's operations, and the routes it leaves out (Swagger UI, `GET /`, the console).
      expect([...mentioned].filter((op) => !operations.includes(op) && !hasRoute(op))).toEqual([]);
    });
  });
});
