// How many users, groups, applications and live sessions there are, each a link to its page.
import type { StatusView } from '../../../api/status';

const COUNTS: Array<{ key: keyof StatusView['counts']; one: string; many: string; href: string }> = [
  { key: 'users', one: 'user', many: 'users', href: '/admin/users' },
  { key: 'groups', one: 'group', many: 'groups', href: '/admin/groups' },
  { key: 'applications', one: 'application', many: 'applications', href: '/admin/applications' },
  { key: 'activeSessions', one: 'live session', many: 'live sessions', href: '/admin/sessions' },
];

export function Counts({ counts }: { counts: StatusView['counts'] }) {
  return (
    <ul className="count-grid" aria-label="Counts">
      {COUNTS.map((count) => {
        const value = counts[count.key];
        return (
          <li key={count.key}>
            <a className="count-card" href={count.href}>
              <span className="count-value">{value.toLocaleString()}</span>
              <span className="count-label">{value === 1 ? count.one : count.many}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
