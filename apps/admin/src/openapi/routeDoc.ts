import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponseObject } from 'zod-openapi';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One response of a route: JSON described by a zod schema, or another content type (a CSV download). */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** application/json unless said. */
  contentType?: string;
}

/**
 * One admin route, declared once: its method and path exactly as registered with Express (`:id`, not `{id}`), and
 * the same zod schemas that validate its input (exported from the service that parses it), never a copy.
 */
export interface RouteDoc {
  method: HttpMethod;
  path: `/admin/${string}`;
  summary: string;
  description?: string;
  /** One schema per path parameter, named as in the path. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body that is not JSON (a file upload): its content types, each with its schema if any. */
  bodyContent?: Record<string, { schema: z.ZodType }>;
  headers?: z.ZodObject;
  /** Success answers; the error answers every admin route can give are added to each. */
  responses: Partial<Record<200 | 201 | 202 | 204, ResponseDoc>>;
  /** Error answers particular to this route (404, 409, ...); 400, 401, 503 are on every route. */
  errors?: Partial<Record<400 | 404 | 409 | 413 | 415, string>>;
}

/** Express's `/admin/dlq/replays/:id` as OpenAPI's `/admin/dlq/replays/{id}`. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

/** Every error the admin API answers: `{error}`, the bad field for a 400 about one; some add facts (would_purge). */
export const errorSchema = z
  .looseObject({
    error: z.string(),
    /** The field a 400 is about, when one is. */
    field: z.string().optional(),
  })
  .meta({ id: 'Error' });

const errorResponse = (description: string, id?: string): ZodOpenApiResponseObject => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
  ...(id === undefined ? {} : { id }),
});

// What any admin route can answer, whatever it does: one component each, referenced from every operation.
const COMMON_ERRORS = {
  400: errorResponse('Bad input: `error` says what, `field` names the field', 'BadInput'),
  401: errorResponse('No valid admin token (Authorization: Bearer) or login session cookie', 'Unauthorized'),
  429: errorResponse('Too many failed logins from this address; Retry-After says when to try again', 'TooManyFailures'),
  503: errorResponse('Redis or Postgres cannot be reached; Retry-After says when to try again', 'StoreUnavailable'),
} as const;

function responseOf(doc: ResponseDoc): ZodOpenApiResponseObject {
  if (!doc.schema) return { description: doc.description };
  return { description: doc.description, content: { [doc.contentType ?? 'application/json']: { schema: doc.schema } } };
}

/** The route as an OpenAPI operation (zod-openapi turns its zod schemas into JSON Schema). */
export function operationOf(route: RouteDoc): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, doc] of Object.entries(route.responses)) responses[status] = responseOf(doc);
  for (const [status, response] of Object.entries(COMMON_ERRORS)) responses[status] = response;
  for (const [status, description] of Object.entries(route.errors ?? {})) responses[status] = errorResponse(description);
  const operation: ZodOpenApiOperationObject = {
    operationId: operationIdOf(route),
    summary: route.summary,
    responses,
  };
  if (route.description) operation.description = route.description;
  const requestParams = { path: route.params, query: route.query, header: route.headers };
  const given = Object.entries(requestParams).filter(([, schema]) => schema !== undefined);
  if (given.length > 0) operation.requestParams = Object.fromEntries(given);
  const content = route.body ? { 'application/json': { schema: route.body } } : route.bodyContent;
  if (content) operation.requestBody = { required: true, content };
  return operation;
}

/** `get /admin/dlq/replays/:id` → `getDlqReplaysById`: what openapi-typescript names the operation's type. */
export function operationIdOf(route: Pick<RouteDoc, 'method' | 'path'>): string {
  const words = route.path
    .replace(/^\/admin\//, '')
    .split(/[/\-.]/)
    .filter(Boolean)
    .map((word) => (word.startsWith(':') ? `By_${word.slice(1)}` : word))
    .flatMap((word) => word.split('_'))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return route.method + words.join('');
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The answer schema of a route whose service returns exactly what it documents, checked by the compiler: a field
 * added to, dropped from or retyped in one and not the other is an error here ("Expected 3 arguments": the third
 * is asked for only when the two types differ; hover the service's return type and the schema to see which field).
 */
export function answeredBy<S extends z.ZodType, R>(
  schema: S,
  _service: (...args: never[]) => Promise<R>,
  ..._differ: Same<z.output<S>, R> extends true ? [] : [never]
): S {
  return schema;
}
