// Groups as checkboxes, for choosing a user's groups. Up to a hundred are listed; with more, a search narrows the
// list (what was ticked stays ticked while it is out of view, and is counted).
import { useState } from 'react';
import { groupsApi } from '../../../api/groups';
import { SearchBox } from '../../../components/search-box';
import { useLoader } from '../../../components/use-loader';
import { useLive } from '../../../api/live';
import { Loading } from '../../../components/notice';
import { LoadProblem } from '../../../components/load-problem';

const LISTED = 100;
/** Below this many groups the search field would only be in the way. */
const SEARCH_FROM = 9;

export function GroupChecklist({ selected, onChange }: { selected: ReadonlySet<string>; onChange: (selected: ReadonlySet<string>) => void }) {
  const [search, setSearch] = useState('');
  const groups = useLoader(() => groupsApi.list({ search: search || undefined, limit: LISTED }), [search]);
  useLive(['groups'], () => groups.reload(true));

  if (!groups.data) return groups.error ? <LoadProblem error={groups.error} onRetry={() => groups.reload()} /> : <Loading>Loading groups…</Loading>;
  const { items, total } = groups.data;
  const searchable = search !== '' || total >= SEARCH_FROM;
  function toggle(id: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  }
  return (
    <div className="group-checklist">
      {searchable && <SearchBox label="Find a group" value={search} onSearch={setSearch} />}
      {items.length === 0 ? (
        <p className="picker-none">{search ? `No group matches “${search}”.` : 'There are no groups yet. Make them on the Groups page.'}</p>
      ) : (
        <ul className="checklist">
          {items.map((group) => (
            <li key={group.id}>
              <label className="checkbox">
                <input type="checkbox" checked={selected.has(group.id)} onChange={(event) => toggle(group.id, event.target.checked)} />
                <span>
                  {group.name}
                  {group.description && <span className="checklist-detail"> — {group.description}</span>}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {(total > items.length || search) && <p className="hint">{selected.size} selected{total > items.length ? `; ${total - items.length} more groups match, narrow the search to see them` : ''}.</p>}
    </div>
  );
}
