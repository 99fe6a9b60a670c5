import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config } from '../../config';

/** Where scripts/build-console.ts writes the console: `dist/console` of the project. */
export const defaultConsoleDir = fileURLToPath(new URL('../../dist/console', import.meta.url));

/** What the console's pages need to know before anyone is signed in (`GET /console/config.json`). */
export interface ConsoleClientConfig {
  /** `dev`: the role picker of the embedded default; `oidc`: the configured provider; `none`: no sign-in available. */
  signIn: 'dev' | 'oidc' | 'none';
  oidc?: NonNullable<Config['console']['oidc']>;
}

export interface ConsoleRouteOptions {
  /** The built console (`dist/console`, see scripts/build-console.ts). */
  distDir: string;
  /** Whether the role picker is offered (the embedded signing secret is in use). */
  devSignIn: boolean;
  oidc?: Config['console']['oidc'];
}

/** Hashed file names never change content: a year in every cache. Everything else is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The web console, same origin as `/v1`: `GET /` redirects to `/console/`; files of the build are served with long
 * caching for hashed assets; any other `/console/*` path that is not a file is a deep link of the single-page app and
 * answers `index.html`. Before the console is built every console URL answers 503 with what to run, never 500.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleRouteOptions> = async (app, opts) => {
  const root = path.resolve(opts.distDir);
  // serve: false — only reply.sendFile is used, so the routes below decide what a path means.
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true, cacheControl: false });

  const notBuilt = (reply: FastifyReply) =>
    reply
      .code(503)
      .header('cache-control', 'no-store')
      .send({
        error: 'console_not_built',
        message:
          'The web console has not been built in this installation: run `npm run console:build` (npm start builds it when missing) and reload.',
        details: { distDir: root },
      });

  const sendIndex = (reply: FastifyReply) => {
    if (!isFile(path.join(root, 'index.html'))) return notBuilt(reply);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };

  const config: ConsoleClientConfig = {
    signIn: opts.oidc ? 'oidc' : opts.devSignIn ? 'dev' : 'none',
    ...(opts.oidc && { oidc: opts.oidc }),
  };

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/console/', 301),
  );

  app.get('/console/config.json', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send(config),
  );

  app.get<{ Params: { '*': string } }>('/console/*', { schema: { hide: true } }, async (request, reply) => {
    const rel = request.params['*'];
    if (rel === '' || rel === 'index.html') return sendIndex(reply);
    const file = path.resolve(root, rel);
    const inside = file.startsWith(root + path.sep);
    if (inside && isFile(file)) {
      return reply
        .header('cache-control', rel.startsWith('assets/') ? IMMUTABLE : 'no-cache')
        .sendFile(path.relative(root, file));
    }
    // A missing asset is a 404, not the app: a stale page must not parse HTML as JavaScript.
    if (!inside || rel.startsWith('assets/') || /\.[a-z0-9]+$/i.test(rel)) {
      if (!isFile(path.join(root, 'index.html'))) return notBuilt(reply);
      return reply.code(404).send({
        error: 'not_found',
        message: `No console file ${rel}; reload the console (a newer build may have replaced it).`,
      });
    }
    return sendIndex(reply);
  });
};
