// The one documented list of defaults. docs/configuration.md explains each value.

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 9080;
export const DEFAULT_POSTGRES_PORT = 5432;
export const DEFAULT_POSTGRES_TCP_PORT = 5433;
export const DEFAULT_MAX_CONNECTIONS = 12;
/** LAN mode (docs/lan.md): the name advertised over mDNS, the HTTPS listener's address and port. */
export const DEFAULT_LAN_HOSTNAME = 'gatehouse.local';
export const DEFAULT_LAN_BIND_ADDRESS = '0.0.0.0';
export const DEFAULT_LAN_PORT = 9443;
export const MIN_MAX_CONNECTIONS = 4;
export const DATABASE_NAME = 'gatehouse';
export const DATABASE_SUPERUSER = 'gatehouse';
/** The unprivileged OS account that runs PostgreSQL when Gatehouse itself runs as root. */
export const POSTGRES_SERVICE_ACCOUNT = 'gatehouse';
