/**
 * The types every module sees of the web application: the Fastify instance with the TypeBox provider, the
 * infrastructure handed to modules, and the shape of a module. A leaf: it imports nothing from the modules.
 */
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { Logger } from './logger.ts';

/** Infrastructure built once at start and handed to the composition root. */
export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
}

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, TypeBoxTypeProvider>;

/** A domain module as the app sees it: a name and a function that registers its routes with the services it needs. */
export interface AppModule<Needs> {
  name: string;
  register(app: App, needs: Needs): Promise<void> | void;
}
