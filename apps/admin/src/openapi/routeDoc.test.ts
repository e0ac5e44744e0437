import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createAdminOpenApi } from './adminOpenApi.js';
import { openApiPath, operationIdOf, type RouteDoc } from './routeDoc.js';

describe('route documents', () => {
  it("write Express's path parameters as OpenAPI's", () => {
    expect(openApiPath('/admin/dlq/replays/:id/cancel')).toBe('/admin/dlq/replays/{id}/cancel');
    expect(openApiPath('/admin/conversions/:transactionId')).toBe('/admin/conversions/{transactionId}');
    expect(openApiPath('/admin/dlq')).toBe('/admin/dlq');
  });

  it('name each operation by its method and path', () => {
    expect(operationIdOf({ method: 'get', path: '/admin/dlq/replays/:id' })).toBe('getDlqReplaysById');
    expect(operationIdOf({ method: 'post', path: '/admin/rejection-endpoints' })).toBe('postRejectionEndpoints');
    expect(operationIdOf({ method: 'get', path: '/admin/openapi.json' })).toBe('getOpenapiJson');
  });

  it('refuse a route documented twice', () => {
    const route: RouteDoc = { method: 'get', path: '/admin/x', summary: 'x', responses: { 200: { description: 'ok', schema: z.object({}) } } };
    expect(() => createAdminOpenApi([route, route])).toThrow('GET /admin/x is documented twice');
  });

  it('give every operation a distinct id', () => {
    const ids = Object.values(createAdminOpenApi().paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
