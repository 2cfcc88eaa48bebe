// A user's state as badges: Admin, Disabled (or Active when neither).
import { StatusBadge } from '../../../components/status-badge';

export function UserBadges({ user }: { user: { isAdmin: boolean; isActive: boolean } }) {
  return (
    <span className="badges">
      {user.isAdmin && <StatusBadge tone="info">Admin</StatusBadge>}
      {!user.isActive && <StatusBadge tone="danger">Disabled</StatusBadge>}
      {user.isActive && !user.isAdmin && <StatusBadge tone="neutral">Active</StatusBadge>}
    </span>
  );
}
