// Which routes are the admin surface that LAN mode keeps on this machine: judged by the route pattern Fastify matched.
import { describe, expect, it } from 'vitest';
import { isAdminSurface } from '../../server/src/lan/listener-policy.ts';

describe('isAdminSurface', () => {
  it.each([
    '/admin',
    '/admin/users',
    '/admin/users/:id',
    '/api/docs',
    '/api/v1/users',
    '/api/v1/users/:id',
    '/api/v1/backups/files/:name',
    '/api/v1/lan',
    '/api/v1/tokens',
  ])('counts %s as admin', (route) => {
    expect(isAdminSurface(route)).toBe(true);
  });

  it.each([
    '/api/v1/me',
    '/api/v1/me/sessions',
    '/api/v1/me/sessions/:id',
    '/api/v1/live',
    '/api/v1/openapi.json',
    '/',
    '/login',
    '/setup',
    '/interaction/:uid',
    '/oidc/*',
    '/.well-known/openid-configuration',
    '/api/flow/state',
    '/lan/ca.crt',
    '/healthz',
    '/administrator',
    '/api/v10/users',
  ])('leaves %s to everyone', (route) => {
    expect(isAdminSurface(route)).toBe(false);
  });

  it('leaves an unmatched request (a 404) alone', () => {
    expect(isAdminSurface(undefined)).toBe(false);
  });
});
