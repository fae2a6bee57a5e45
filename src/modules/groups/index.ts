/** Comparison groups: built-in groups from the geography, published families, our neighbours model, custom groups; their pages. */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { groupsPages } from './pages.ts';
import { groupsRoutes } from './routes.ts';
import { createGroupsService } from './service.ts';

export { applyGroupFamily, familyGroupKey, type GroupCounts } from './apply.ts';
export { groupPath } from './view.ts';
export { createGroupsService, parseBuiltIn, TIER_TYPES, toFamilyDto, type FamilyDto, type GroupDto, type GroupMemberDto, type GroupsService, type GroupType, type ResolvedGroup, type Viewer, type CustomGroupInput, VISIBILITIES } from './service.ts';

export const groupsModule: AppModule<AppDeps> = {
  name: 'groups',
  register(app, deps) {
    const service = createGroupsService(deps.db);
    groupsRoutes(app, service);
    groupsPages(app, service, deps.db);
  },
};
export type { GroupFamilyBundle } from './bundle.ts';
export { GroupSummary } from './schemas.ts';
