// The instance and its database at a glance: version, uptime, the database (mode, PostgreSQL version, size), and
// connections: this instance's pool against its budget, all instances against the server's max_connections.
import type { StatusView } from '../../../api/status';
import { AbsoluteTime } from '../../../components/relative-time';
import { formatBytes } from '../format';

export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${seconds} s`;
}

function Usage({ label, used, of, detail }: { label: string; used: number; of: number; detail: string }) {
  const high = of > 0 && used / of >= 0.8;
  return (
    <div className="usage">
      <p className="usage-figures">
        <span className="stat-value">{used}</span> <span className="usage-of">of {of}</span>
      </p>
      <meter className={high ? 'usage-meter usage-high' : 'usage-meter'} min={0} max={Math.max(of, 1)} low={Math.max(of, 1) * 0.8} high={Math.max(of, 1) * 0.8} optimum={0} value={Math.min(used, of)} aria-label={`${label}: ${used} of ${of}`} />
      <p className="stat-detail">{detail}</p>
    </div>
  );
}

export function StatusCards({ status }: { status: StatusView }) {
  const { database } = status;
  return (
    <div className="stat-grid">
      <section className="stat-card" aria-labelledby="stat-version">
        <h2 id="stat-version" className="stat-label">
          Gatehouse
        </h2>
        <p className="stat-value">{status.version}</p>
        <p className="stat-detail">
          Up {formatUptime(status.uptimeSeconds)}, since <AbsoluteTime value={status.startedAt} />
        </p>
        <p className="stat-detail mono" title="This instance's id">
          {status.instanceId}
        </p>
      </section>
      <section className="stat-card" aria-labelledby="stat-database">
        <h2 id="stat-database" className="stat-label">
          Database
        </h2>
        <p className="stat-value">{formatBytes(database.sizeBytes)}</p>
        <p className="stat-detail">
          {database.mode === 'embedded' ? 'Embedded' : 'External'} PostgreSQL {database.version}
        </p>
      </section>
      <section className="stat-card" aria-labelledby="stat-pool">
        <h2 id="stat-pool" className="stat-label">
          Connections in use
        </h2>
        <Usage label="Connections in use by this instance" used={database.connectionsInUse} of={database.connectionBudget} detail={`This instance: ${database.connectionsOpen} open, within its budget of ${database.connectionBudget}.`} />
      </section>
      <section className="stat-card" aria-labelledby="stat-all">
        <h2 id="stat-all" className="stat-label">
          All instances
        </h2>
        <Usage label="Connections of every instance" used={database.connectionsAllInstances} of={database.maxConnections} detail={`Connections to this database, of the server’s max_connections (${database.maxConnections}).`} />
      </section>
    </div>
  );
}
