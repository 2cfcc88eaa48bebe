// A time as people say it ("3 minutes ago", "in 2 days"), the exact date and time on hover and in dateTime.
// One shared clock re-renders every RelativeTime each 30 s, so "just now" does not stay "just now".
import { useSyncExternalStore } from 'react';

const TICK_MS = 30_000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: number | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    timer = window.setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  };
}

/** Re-renders the caller at each tick of the shared clock. */
function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function describeRelative(iso: string, nowMs: number): string {
  const seconds = (new Date(iso).getTime() - nowMs) / 1000;
  const size = Math.abs(seconds);
  // Within a few seconds either way (the server's clock may be a little ahead) is now.
  if (size < 45) return 'just now';
  for (const [unit, unitSeconds] of UNITS) {
    if (size >= unitSeconds) return relative.format(Math.round(seconds / unitSeconds), unit);
  }
  return relative.format(Math.round(seconds / 60), 'minute');
}

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const absoluteWithSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDateTime(iso: string, withSeconds = false): string {
  return (withSeconds ? absoluteWithSeconds : absolute).format(new Date(iso));
}

export function RelativeTime({ value }: { value: string }) {
  useNow();
  const shown = describeRelative(value, Date.now());
  return (
    <time dateTime={value} title={formatDateTime(value, true)}>
      {shown}
    </time>
  );
}

/** A time written out in full, for when the exact moment matters (an event's time, an expiry). */
export function AbsoluteTime({ value, withSeconds = false }: { value: string; withSeconds?: boolean }) {
  return <time dateTime={value}>{formatDateTime(value, withSeconds)}</time>;
}
