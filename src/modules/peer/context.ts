/**
 * What the peer module's services share: the database, the councils, the reference data (frameworks, kinds, deadline
 * policy, conflict rules), who may see and change an engagement, and the checks of plain input.
 */
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { checkStoredText, normaliseText } from '../../platform/text.ts';
import { isIsoDate, type AreasService } from '../areas/index.ts';
import type { SessionUser } from '../accounts/index.ts';
import type { GroupsService } from '../groups/index.ts';
import type { EarlyWarning } from '../sector/index.ts';
import type { HeadlineService } from '../reports/index.ts';
import type { Surveys } from '../surveys/index.ts';
import type { ValueForMoneyService } from '../value/index.ts';
import { councilDirectory, type Council } from '../areas/index.ts';
import { peerRepository as repo } from './repository.ts';
import type { PeerEngagementsTable } from './tables.ts';
import { isPublished } from './states.ts';

export type Viewer = SessionUser | null | undefined;
export type EngagementRow = Omit<PeerEngagementsTable, 'id'> & { id: number };
/** How a viewer stands to an engagement: manager (everything), council (its own), peer (on the team), public. */
export type Standing = 'manager' | 'council' | 'peer' | 'public';

export interface PeerDeps {
  areas: AreasService;
  groups: GroupsService;
  earlyWarning: EarlyWarning;
  /** The evidence pack's sources (pack.ts). */
  headlines: HeadlineService;
  value: ValueForMoneyService;
  /** The evidence pack's perception survey and the evaluation surveys (feedback and impact), fielded through it. */
  surveys: Surveys;
  logger: Logger;
}

export const MANAGER_ROLES = ['peer_challenge_manager', 'admin'] as const;
export const isManager = (v: Viewer): boolean => !!v && (MANAGER_ROLES as readonly string[]).includes(v.role);

export function createContext(db: Db, deps: PeerDeps) {
  const councils = councilDirectory(deps.areas);
  const log = deps.logger.child({ module: 'peer' });

  // The reference data change rarely (a migration, or policy.ts, which forgets them): kept for a second at a time.
  let kept: { at: number; value: ReturnType<typeof loadReference> } | undefined;
  function reference() {
    const now = Date.now();
    if (!kept || now - kept.at > 1000) {
      const value = loadReference();
      kept = { at: now, value };
      value.catch(() => (kept = undefined));
    }
    return kept.value;
  }

  /** After a change of the reference data: the next read loads it afresh. */
  const forgetReference = () => {
    kept = undefined;
  };

  async function loadReference() {
    const k = db.kysely;
    const [frameworks, components, kinds, deadlines, rules] = await Promise.all([
      repo.frameworks(k),
      repo.components(k),
      repo.kinds(k),
      repo.deadlines(k),
      repo.conflictRules(k),
    ]);
    return {
      frameworks: frameworks.map((f) => ({
        id: f.id,
        code: f.code,
        version: f.version,
        name: f.name,
        validFrom: f.valid_from,
        validTo: f.valid_to,
        components: components
          .filter((c) => c.framework_id === f.id)
          .map((c) => ({ code: c.code, title: c.title, prompts: JSON.parse(c.prompts) as string[] })),
      })),
      kinds: kinds.map((x) => ({ code: x.code, name: x.name, corporate: x.corporate === 1 })),
      deadlines: deadlines.map((d) => ({
        code: d.code,
        dueState: d.due_state,
        months: d.months,
        validFrom: d.valid_from,
        validTo: d.valid_to,
      })),
      conflictRules: rules.map((r) => ({
        code: r.code,
        description: r.description,
        params: JSON.parse(r.params) as Record<string, unknown>,
      })),
    };
  }

  /** The engagements of councils a council user represents (its own code, or a code it was re-coded from). */
  const councilOf = (c: Council | undefined, v: Viewer): boolean =>
    !!c && !!v?.council && (c.code === v.council.code || c.currentCode === v.council.code);

  /**
   * The engagements a signed-in viewer who is not a manager sees whatever their state: a council user's council's (by
   * area, a code it was re-coded from included) and a peer's teams'. Undefined when there are none.
   */
  async function own(v: Viewer): Promise<{ areaIds: number[]; engagementIds: number[] } | undefined> {
    if (!v || isManager(v)) return undefined;
    const areaIds =
      v.role === 'council' && v.council
        ? [...(await councils()).byId.values()].filter((c) => councilOf(c, v)).map((c) => c.id)
        : [];
    const engagementIds = await repo.engagementIdsOfPeers(db.kysely, await repo.peerIdsOfUser(db.kysely, v.id));
    return areaIds.length || engagementIds.length ? { areaIds, engagementIds } : undefined;
  }

  async function standing(v: Viewer, e: EngagementRow): Promise<Standing | undefined> {
    if (isManager(v)) return 'manager';
    if (v?.role === 'council' && councilOf((await councils()).byId.get(e.area_id), v)) return 'council';
    if (v) {
      const mine = await repo.peerIdsOfUser(db.kysely, v.id);
      if (mine.length && (await repo.team(db.kysely, [e.id])).some((t) => mine.includes(t.peer_id))) return 'peer';
    }
    return isPublished(e.state) ? 'public' : undefined;
  }

  /** The engagement if the viewer may see it; else 404 (an unpublished engagement's existence is not told). */
  async function visible(v: Viewer, id: number): Promise<{ e: EngagementRow; standing: Standing }> {
    const e = await repo.engagement(db.kysely, id);
    const s = e ? await standing(v, e) : undefined;
    if (!e || !s) throw new AppError(404, 'not-found', `Engagement ${id} does not exist or is not published.`);
    return { e, standing: s };
  }

  /** The engagement if the viewer's standing is one of `allowed`; 401 for visitors, 403 otherwise. */
  async function writable(v: Viewer, id: number, allowed: readonly Standing[], what: string) {
    if (!v) throw new AppError(401, 'sign-in-required', `Sign in to ${what}.`);
    const found = await visible(v, id);
    if (!allowed.includes(found.standing))
      throw new AppError(403, 'forbidden', `Only ${allowed.join(' or ')} users may ${what} on this engagement.`);
    return found;
  }

  return { db, deps, log, councils, reference, forgetReference, standing, visible, writable, councilOf, own };
}
export type PeerContext = ReturnType<typeof createContext>;

/** Collects field problems; `fail()` throws them as one 400 naming every field. */
export class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string, value?: unknown): void {
    this.list.push({ field, message, ...(value === undefined || value === null ? {} : { value: String(value) }) });
  }
  date(field: string, v: string | null | undefined, required = false): string | null {
    if (v === undefined || v === null || v === '') {
      if (required) this.add(field, 'is required (a date written YYYY-MM-DD)');
      return null;
    }
    if (!isIsoDate(v)) {
      this.add(field, 'is not a real date written YYYY-MM-DD', v);
      return null;
    }
    return v;
  }
  text(field: string, v: string | null | undefined, max: number, required = true): string | null {
    const t = v?.trim() ?? '';
    if (t === '') {
      if (required) this.add(field, 'is required');
      return null;
    }
    if (t.length > max) this.add(field, `is longer than ${max} characters`, `${t.slice(0, 40)}…`);
    const bad = checkStoredText(field, t);
    if (bad) this.add(bad.field, bad.message, bad.value);
    return normaliseText(t);
  }
  oneOf<T extends string>(field: string, v: string | undefined, allowed: readonly T[]): T | null {
    if (v === undefined || !(allowed as readonly string[]).includes(v)) {
      this.add(field, `must be one of ${allowed.join(', ')}`, v);
      return null;
    }
    return v as T;
  }
  fail(detail: string): void {
    if (this.list.length)
      throw new AppError(
        400,
        'invalid-input',
        `${detail}: ${this.list.map((e) => `${e.field} ${e.message}`).join('; ')}`,
        this.list,
      );
  }
}
