// The events page: filters from the query string, one keyset page, and its cursor.
import { HttpError } from '../../http/errors.ts';
import { PAGE_LIMIT_DEFAULT } from '../common-schemas.ts';
import { CURSOR_BIGINT, CURSOR_TIMESTAMP, decodeCursor, encodeCursor } from '../page-cursor.ts';
import type { EventFilter, EventPosition, EventsRepo, TypeFilter } from './repo.ts';
import type { EventPage, ListEventsQuery } from './schemas.ts';

export class EventsService {
  constructor(private readonly repo: EventsRepo) {}

  async list(query: ListEventsQuery): Promise<EventPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after = query.cursor ? positionOf(query.cursor) : null;
    if (query.from !== undefined && query.to !== undefined && Date.parse(query.from) >= Date.parse(query.to)) {
      throw new HttpError(400, 'invalid_time_range', '"to" must be later than "from".', {}, 'to');
    }
    const filter: EventFilter = {
      ...(query.type === undefined ? {} : { type: typeFilterOf(query.type) }),
      ...(query.userId === undefined ? {} : { userId: query.userId }),
      ...(query.applicationId === undefined ? {} : { applicationId: query.applicationId }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
    };
    // One more than a page: whether it comes back says whether there is a next page.
    const rows = await this.repo.page(filter, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => row.event),
      nextCursor: rows.length > limit ? encodeCursor(positionParts(page.at(-1)!.position)) : null,
    };
  }
}

/** "user." is the category user (every user.* type); anything else is one exact type. */
export function typeFilterOf(type: string): TypeFilter {
  if (!type.endsWith('.')) return { exact: type };
  return { category: type.slice(0, type.indexOf('.')), prefix: type };
}

function positionParts(position: EventPosition): string[] {
  return [position.occurredAt, position.id];
}

function positionOf(cursor: string): EventPosition {
  const [occurredAt, id] = decodeCursor(cursor, [CURSOR_TIMESTAMP, CURSOR_BIGINT]);
  return { occurredAt: occurredAt!, id: id! };
}
