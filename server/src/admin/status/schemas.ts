// The status API's contract (/api/v1/status): what the dashboard shows about this instance and its database.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../common-schemas.ts';

export const StatusView = Type.Object({
  version: Type.String(),
  instanceId: Type.String(),
  startedAt: Timestamp,
  uptimeSeconds: Type.Integer(),
  database: Type.Object({
    mode: Type.Union([Type.Literal('embedded'), Type.Literal('external')]),
    version: Type.String(),
    sizeBytes: Type.Integer(),
    /** This instance's pool: connections checked out now, open, and its fixed budget. */
    connectionsInUse: Type.Integer(),
    connectionsOpen: Type.Integer(),
    connectionBudget: Type.Integer(),
    /** Connections to this database from every instance (pg_stat_activity). */
    connectionsAllInstances: Type.Integer(),
    /** The server's max_connections. */
    maxConnections: Type.Integer(),
  }),
  /** The URLs applications and people use. */
  urls: Type.Object({
    publicUrl: Type.String(),
    controlUi: Type.String(),
    portal: Type.String(),
    issuer: Type.String(),
    discovery: Type.String(),
    jwks: Type.String(),
  }),
  counts: Type.Object({ users: Type.Integer(), groups: Type.Integer(), applications: Type.Integer(), activeSessions: Type.Integer() }),
  /** The last backup that succeeded, and whether the last one failed. */
  backups: Type.Object({ lastSucceededAt: Nullable(Timestamp), lastFailedAt: Nullable(Timestamp) }),
});
export type StatusView = Static<typeof StatusView>;

export const LoginsQuery = Type.Object(
  { range: Type.Optional(Type.Union([Type.Literal('24h'), Type.Literal('7d'), Type.Literal('30d')], { default: '24h' })) },
  { additionalProperties: false },
);
export type LoginsQuery = Static<typeof LoginsQuery>;

/** Sign-ins per time bucket (hours for 24h, days for 7d and 30d), oldest first, empty buckets included. */
export const LoginsChart = Type.Object({
  range: Type.String(),
  bucketSeconds: Type.Integer(),
  buckets: Type.Array(Type.Object({ start: Timestamp, succeeded: Type.Integer(), failed: Type.Integer() })),
});
export type LoginsChart = Static<typeof LoginsChart>;
