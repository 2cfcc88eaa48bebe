// A filter by one user (its id kept in the address): the chosen user with a "Show everyone" button, or a search
// to choose one.
import { usersApi } from '../../../api/users';
import { UserPicker } from '../../../components/user-picker';
import { useLoader } from '../../../components/use-loader';

export function UserFilter({ label, userId, onChange, everyone }: { label: string; userId: string; onChange: (userId: string) => void; everyone: string }) {
  const chosen = useLoader(() => (userId ? usersApi.get(userId) : Promise.resolve(null)), [userId]);
  if (!userId) return <UserPicker label={label} onPick={(user) => onChange(user.id)} actionLabel={(user) => `Show only ${user.username}`} />;
  const name = chosen.data?.username ?? (chosen.error ? 'a user that no longer exists' : '…');
  return (
    <div className="field filter-chosen">
      <span className="filter-chosen-label">{label}</span>
      <span className="chip">
        {chosen.data ? <a href={`/admin/users/${userId}`}>{name}</a> : name}
        <button type="button" className="chip-remove" aria-label={`Stop filtering by ${name}`} onClick={() => onChange('')}>
          ×
        </button>
      </span>
      <button type="button" className="link" onClick={() => onChange('')}>
        {everyone}
      </button>
    </div>
  );
}
