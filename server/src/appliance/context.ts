// What every domain gets: configuration, logger, the platform, and where this instance is reachable.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Platform } from '../platform/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

export interface AppContext {
  config: Readonly<Config>;
  logger: Logger;
  platform: Platform;
  dataDir: string;
  /** Where users and apps reach this instance (the OIDC issuer), without a trailing slash. */
  publicUrl: string;
  /** Seals secrets at rest with the master key. */
  secrets: SecretBox;
  /** The port the HTTP listener binds (settled before start, also with --port 0). */
  httpPort: number;
}

/** A domain (identity, OIDC, flows…): its service for other domains, and its HTTP routes. */
export interface Domain<Service = unknown> {
  name: string;
  service: Service;
  /** Registers the domain's routes as an encapsulated plugin. */
  register(app: import('fastify').FastifyInstance): Promise<void>;
  /** Defines the domain's jobs (and their schedules), before the job runner starts. */
  defineJobs?(jobs: import('../platform/jobs.ts').JobRunner): void;
  /** Work at start (after migrations, before listen), e.g. printing the setup link. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Facts for the ready line, e.g. { setupUrl } while the first admin is still to be created. */
  readyInfo?(): Record<string, unknown>;
}
