// The OpenAPI document of the admin and portal API, built by @fastify/swagger from the routes' own JSON schemas
// (so it cannot drift from what the server validates). The control UI browses it at /api/docs.
import type { SwaggerOptions } from '@fastify/swagger';

export function openApiOptions(publicUrl: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Gatehouse admin API',
        version: '1',
        description:
          'Manage users, groups, applications, sessions, settings and backups. Authenticate with an API token ' +
          '(Authorization: Bearer gh_…, made on the control UI’s API tokens page, /admin/tokens) whose scopes include the ' +
          'one each operation names, or from the control UI with an admin session.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'An API token (gh_…) with the scope the operation names.' },
          adminSession: { type: 'apiKey', in: 'cookie', name: 'gatehouse_session', description: 'A signed-in admin, from the control UI.' },
        },
      },
      security: [{ apiToken: [] }, { adminSession: [] }],
    },
    // Only the versioned API; the login flow's and the OIDC provider's routes are documented elsewhere (docs/).
    transform: ({ schema, url, route }) => {
      const hidden = !url.startsWith('/api/v1/') || url === '/api/v1/openapi.json';
      const scope = route.config?.scope;
      const described = scope ? { ...schema, description: `${schema?.description ? `${schema.description}\n\n` : ''}API token scope: \`${scope}\`.` } : schema;
      return { schema: hidden ? { ...schema, hide: true } : described, url };
    },
  };
}
