/**
 * Comparison groups: built-in groups from the geography, published families, our neighbours model, custom groups; their
 * pages.
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { GroupsService } from './service.ts';
import type { AreasService } from '../areas/index.ts';
import { groupsPages } from './pages.ts';
import { groupsRoutes } from './routes.ts';

export { applyGroupFamily, familyGroupKey, type GroupCounts } from './apply.ts';
export { groupPath } from './view.ts';
export {
  createGroupsService,
  parseBuiltIn,
  TIER_TYPES,
  toFamilyDto,
  type FamilyDto,
  type GroupDto,
  type GroupMemberDto,
  type GroupsService,
  type GroupType,
  type ResolvedGroup,
  type Viewer,
  type CustomGroupInput,
  VISIBILITIES,
} from './service.ts';

export const groupsModule: AppModule<{ groups: GroupsService; areas: AreasService }> = {
  name: 'groups',
  register(app, { groups, areas }) {
    groupsRoutes(app, groups);
    groupsPages(app, groups, areas);
  },
};
export type { GroupFamilyBundle } from './bundle.ts';
export { GroupSummary } from './schemas.ts';
