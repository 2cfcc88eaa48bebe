// Prometheus metrics for the platform, read from each part's stats at scrape time.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Platform } from './index.ts';

export function createMetrics(platform: Platform): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' });
  const { pool, bus, cache, jobs, locks, budget } = platform;

  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  // Counters mirror monotonically growing stats: add what grew since the last scrape.
  const counter = (name: string, help: string, read: () => number) => {
    let last = 0;
    return new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = read();
        if (now > last) this.inc(now - last);
        last = now;
      },
    });
  };

  gauge('gatehouse_db_pool_size', 'Connections open in the pool', () => pool.totalCount);
  gauge('gatehouse_db_pool_idle', 'Idle connections in the pool', () => pool.idleCount);
  gauge('gatehouse_db_pool_waiting', 'Queries waiting for a pool connection', () => pool.waitingCount);
  gauge('gatehouse_db_pool_max', 'Largest size the pool may reach', () => budget.pool);
  gauge('gatehouse_db_jobs_pool_size', 'Connections open in the job queue pool', () => platform.jobsPool.totalCount);
  gauge('gatehouse_db_jobs_pool_waiting', 'Job queue queries waiting for a connection', () => platform.jobsPool.waitingCount);
  gauge('gatehouse_db_jobs_pool_max', 'Largest size the job queue pool may reach', () => budget.jobs);
  gauge('gatehouse_db_connections_in_use', 'Connections this process holds (pool and dedicated)', () => platform.connectionsInUse());
  gauge('gatehouse_db_connections_budget', 'Most connections this process may hold', () => budget.total);

  gauge('gatehouse_bus_connected', '1 when the bus listener is connected', () => (bus.stats().connected ? 1 : 0));
  gauge('gatehouse_bus_subscriptions', 'Topics this process listens to', () => bus.stats().subscriptions);
  counter('gatehouse_bus_messages_published_total', 'Bus messages published', () => bus.stats().published);
  counter('gatehouse_bus_messages_received_total', 'Bus messages received', () => bus.stats().received);
  counter('gatehouse_bus_messages_by_reference_total', 'Bus messages sent by reference (over 8000 bytes)', () => bus.stats().byReference);
  counter('gatehouse_bus_reconnects_total', 'Times the bus listener reconnected', () => bus.stats().reconnects);
  counter('gatehouse_bus_handler_errors_total', 'Bus subscribers that threw', () => bus.stats().handlerErrors);
  counter('gatehouse_bus_messages_dropped_total', 'By-reference bus messages that could not be fetched', () => bus.stats().dropped);

  counter('gatehouse_cache_lru_hits_total', 'Cache reads answered by the in-process LRU', () => cache.stats().lruHits);
  counter('gatehouse_cache_table_hits_total', 'Cache reads answered by the cache table', () => cache.stats().tableHits);
  counter('gatehouse_cache_misses_total', 'Cache reads that found nothing', () => cache.stats().misses);
  gauge('gatehouse_cache_lru_entries', 'Entries in the in-process LRU', () => cache.stats().lruSize);
  counter('gatehouse_cache_lru_evictions_total', 'Entries evicted from the in-process LRU', () => cache.stats().evictions);

  counter('gatehouse_jobs_completed_total', 'Jobs that completed', () => jobs.stats().completed);
  counter('gatehouse_jobs_failed_total', 'Job attempts that failed', () => jobs.stats().failed);
  gauge('gatehouse_jobs_running', 'Jobs running now', () => jobs.stats().running);
  counter('gatehouse_job_duration_seconds_sum', 'Total time spent running jobs', () => jobs.stats().durationsMs.sum / 1000);
  counter('gatehouse_job_duration_seconds_count', 'Jobs timed', () => jobs.stats().durationsMs.count);

  gauge('gatehouse_locks_held', 'Advisory locks this process holds', () => locks.heldCount());
  return registry;
}
