/**
 * Route schemas compiled on first use rather than at start-up. Fastify compiles every route's validators (Ajv) and
 * response serialisers (fast-json-stringify) when the app is built: for this app's few hundred routes that was most of
 * the time to start a server (seconds of CPU), paid again by every test that builds one. These compilers are Fastify's
 * own defaults (the packages it depends on, with the same options), wrapped so that a route's schema is compiled the
 * first time a request needs it and then kept. A schema that cannot compile fails its first request (a 500) rather than
 * the start: the OpenAPI and route tests exercise every route's schemas.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

const require = createRequire(import.meta.url);

type Compile = (routeSchema: unknown) => (...args: unknown[]) => unknown;
type Build = (externalSchemas: unknown, options: unknown) => Compile;

const ajvCompiler = require('@fastify/ajv-compiler') as () => Build;
const { SerializerSelector } = require('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => Build };

/** A validator that compiles when first called, or when Fastify first asks for Ajv's `schemaEnv` or `errors`. */
function lazyValidator(compile: () => (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  let fn: ((...args: unknown[]) => unknown) | undefined;
  const get = () => (fn ??= compile());
  const wrapper = (...args: unknown[]) => get()(...args);
  // Fastify passes the parent object when Ajv's function has a schemaEnv (so coercion can replace a root value), and
  // reads the errors from the function after a failed call.
  Object.defineProperty(wrapper, 'schemaEnv', { get: () => (get() as { schemaEnv?: unknown }).schemaEnv });
  Object.defineProperty(wrapper, 'errors', { get: () => (fn as { errors?: unknown } | undefined)?.errors });
  return wrapper;
}

function lazySerializer(compile: () => (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  let fn: ((...args: unknown[]) => unknown) | undefined;
  return (...args: unknown[]) => (fn ??= compile())(...args);
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** Fastify's `schemaController.compilersFactory`: its default compilers, each route's schemas compiled on first use. */
export function lazyCompilersFactory(): CompilersFactory {
  const validators = ajvCompiler();
  const serializers = SerializerSelector();
  const factory: { buildValidator: Build; buildSerializer: Build } = {
    buildValidator: (external, options) => {
      const compile = validators(external, options);
      return (routeSchema) => lazyValidator(() => compile(routeSchema));
    },
    buildSerializer: (external, options) => {
      const compile = serializers(external, options);
      return (routeSchema) => lazySerializer(() => compile(routeSchema));
    },
  };
  // The wrappers stand in for Ajv's functions (they answer schemaEnv and errors as Fastify reads them).
  return factory as unknown as CompilersFactory;
}
