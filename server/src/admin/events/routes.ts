// The events routes of the admin API (one file per endpoint beside this one).
import type { RegisterRoutes } from '../deps.ts';
import { EventsRepo } from './repo.ts';
import { EventsService } from './service.ts';
import { listEventsRoute } from './list.ts';
import { listEventTypesRoute } from './list-types.ts';

export const registerEventsRoutes: RegisterRoutes = (api, deps) => {
  const service = new EventsService(new EventsRepo(deps.ctx.platform.pool));
  listEventsRoute(api, service);
  listEventTypesRoute(api);
};
