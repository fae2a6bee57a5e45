/**
 * Sample frames and links. A frame is built from a rule (every council of some types as at a date, one named role each)
 * or from a list (JSON or CSV: area, role, contact); each member's authority type and region come from the areas
 * module as at the frame's date and are stored with the member. Links carry a token of 256 bits (base64url), derived
 * from a secret, the member and the time it was issued (links.ts); only its SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Db } from '../../../platform/db.ts';
import type { Logger } from '../../../platform/logger.ts';
import { AppError, badRequest, type FieldError } from '../../../platform/errors.ts';
import {
  COUNCIL_TYPES,
  nameWithCode,
  typedCode,
  typePrefixes,
  type AreaSummary,
  type AreasService,
} from '../../areas/index.ts';
import { surveysRepository as repo, type NewRespondent } from './repository.ts';
import type { SurveysService } from './service.ts';
import type { LinkTokens } from './links.ts';

export interface FrameInput {
  /**
   * Every council of these types (GSS prefixes or names such as unitary, county, upper-tier) live at `at` (default: the
   * wave's opening date).
   */
  rule?: { types: string[]; role: string; at?: string | undefined } | undefined;
  /** A list of members. */
  members?: { area: string; role: string; contact?: string | undefined; email?: string | undefined }[] | undefined;
  /** The same as CSV text with a header: area, role (or a default role), contact and email (optional). */
  csv?: string | undefined;
  /** The role for CSV lines that leave it out. */
  role?: string | undefined;
}
export interface FrameMemberDto {
  id: number;
  area: { code: string; name: string } | null;
  authorityType: string | null;
  region: { code: string; name: string } | null;
  role: string | null;
  contact: string | null;
  linkIssued: boolean;
  status: 'not-started' | 'in-progress' | 'submitted';
}
export interface LinkRow {
  area_code: string;
  area_name: string;
  role: string;
  contact_name: string;
  link: string;
}

interface ListedMember {
  area: string;
  role: string;
  contact?: string | undefined;
  email?: string | undefined;
  field: string;
}
/** An address invitations can go to (the email module checks it again when queuing). */
const EMAIL = /^[^\s@<>",;:\\()[\]]+@[^\s@<>",;:\\()[\]]+\.[^\s@<>",;:\\()[\]]+$/;

export const TOKEN_BYTES = 32;
export const newToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** `areas` gives councils' types and regions as at a date; `log` one info line per frame built and per links issued. */
export function createFrames(db: Db, surveys: SurveysService, areas: AreasService, links: LinkTokens, log: Logger) {
  const k = db.kysely;

  async function councilsAt(types: string[], at: string): Promise<AreaSummary[]> {
    const out: AreaSummary[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await areas.findAreas({ type: types.join(','), at, include: 'live', limit: 500, offset });
      out.push(...page.areas);
      if (page.areas.length < 500) return out;
    }
  }

  function listFromCsv(text: string, defaultRole: string | undefined): ListedMember[] {
    let records: string[][];
    try {
      records = parse(text.replace(/^\uFEFF/, ''), {
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
      }) as string[][];
    } catch (e) {
      throw badRequest(`csv: not readable as CSV (${(e as Error).message})`, [
        { field: 'csv', message: 'not readable as CSV' },
      ]);
    }
    const header = (records.shift() ?? []).map((h) => h.toLowerCase());
    const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
    const area = col('area', 'area_code', 'code', 'gss_code');
    const role = col('role');
    const contact = col('contact', 'contact_name', 'name');
    const email = col('email', 'contact_email', 'e-mail', 'email_address');
    if (area < 0)
      throw badRequest('csv:1: the header needs an "area" column (councils\' names or codes)', [
        { field: 'csv:1', message: 'no "area" column', value: header.join(',') },
      ]);
    return records.map((r, i) => {
      const m: ListedMember = {
        area: r[area] ?? '',
        role: (role >= 0 ? r[role] : '') || defaultRole || '',
        field: `csv:${i + 2}`,
      };
      if (contact >= 0 && r[contact]) m.contact = r[contact];
      if (email >= 0 && r[email]) m.email = r[email];
      return m;
    });
  }

  return {
    /** Adds members to a wave's frame. A member is a council and a role; the same council and role twice is refused. */
    async build(waveId: number, input: FrameInput): Promise<{ added: number; frame: number }> {
      const wave = await surveys.waveRow(waveId);
      if (wave.mode !== 'frame')
        throw new AppError(409, 'open-wave', 'This wave is open to anyone with its link: it has no frame.');
      const given = [input.rule, input.members, input.csv].filter((x) => x !== undefined).length;
      if (given !== 1)
        throw badRequest('Give exactly one of rule, members or csv.', [
          { field: 'request', message: 'give exactly one of rule, members or csv' },
        ]);
      const at = (input.rule?.at ?? wave.opens_at).slice(0, 10);
      const now = new Date().toISOString();
      const errors: FieldError[] = [];
      const rows: NewRespondent[] = [];
      const member = (
        a: AreaSummary,
        role: string,
        contact: string | undefined,
        email?: string | undefined,
      ): NewRespondent => ({
        wave_id: waveId,
        kind: 'frame',
        area_code: a.code,
        area_name: a.name,
        authority_type: a.type,
        region_code: a.region?.code ?? null,
        region_name: a.region?.name ?? null,
        role,
        contact_name: contact ?? null,
        contact_email: email ?? null,
        token_hash: null,
        token_issued_at: null,
        created_at: now,
      });
      if (input.rule) {
        const role = input.rule.role.trim();
        if (!role)
          errors.push({ field: 'rule.role', message: 'name the role to ask, e.g. "Director of Children\'s Services"' });
        const types = new Set<string>();
        for (const t of input.rule.types) {
          const p = typePrefixes(t);
          if (!p || p.some((x) => !COUNCIL_TYPES.includes(x)))
            errors.push({
              field: 'rule.types',
              message:
                'is not a council type (E06, E07, E08, E09, E10, unitary, county, upper-tier, lower-tier, council…)',
              value: t,
            });
          else p.forEach((x) => types.add(x));
        }
        if (types.size === 0 && errors.length === 0)
          errors.push({ field: 'rule.types', message: 'give at least one council type' });
        if (errors.length === 0)
          for (const a of await councilsAt([...types], at)) rows.push(member(a, role, undefined));
      } else {
        const list =
          input.csv !== undefined
            ? listFromCsv(input.csv, input.role)
            : input.members!.map((m, i) => ({ ...m, field: `members[${i}]` }));
        const live = new Map((await councilsAt([...COUNCIL_TYPES], at)).map((a) => [a.code, a]));
        const unknown: { code: string; field: string }[] = [];
        for (const m of list) {
          // A council by code, or by name as the areas module matches names (at the opening date).
          const typed = m.area.trim();
          let code: string | null = typed.toUpperCase();
          if (!live.has(code) && typed !== '' && !typedCode(typed)) {
            const named = await areas.matchArea(typed, at);
            code = named.kind === 'match' ? named.area.code : null;
            if (named.kind !== 'match')
              errors.push({
                field: m.field,
                value: typed,
                message:
                  named.kind === 'choices'
                    ? `more than one council is called “${typed}”: write one of ${named.choices.map(nameWithCode).join(', ')}`
                    : 'no council has this name: check the spelling, or give its code, such as E08000009',
              });
          }
          const a = code === null ? undefined : live.get(code);
          const email = m.email?.trim().toLowerCase() || undefined;
          if (!m.role?.trim()) errors.push({ field: m.field, message: 'has no role', value: m.area });
          // The address is personal data: the problem names the line and the field, not the address.
          if (email !== undefined && !EMAIL.test(email))
            errors.push({ field: `${m.field} email`, message: 'is not an email address, like name@council.gov.uk' });
          if (code === null) continue;
          if (!a) unknown.push({ code, field: m.field });
          else rows.push(member(a, m.role.trim(), m.contact?.trim() || undefined, email));
        }
        if (unknown.length > 0) {
          const resolved = new Map(
            (await areas.resolveCodes(unknown.map((u) => u.code).filter((c) => /^E\d{8}$/.test(c)))).areas.map((a) => [
              a.code,
              a,
            ]),
          );
          for (const u of unknown) {
            const r = resolved.get(u.code);
            errors.push({
              field: u.field,
              value: u.code,
              message:
                r?.note ??
                (r
                  ? `${r.name} is not a council live on ${at}`
                  : 'is not a council we know: give its name or code, such as Trafford or E08000009'),
            });
          }
        }
      }
      const existing = new Set((await repo.frame(k, waveId)).map((m) => `${m.area_code}|${m.role?.toLowerCase()}`));
      const seen = new Set<string>();
      for (const r of rows) {
        const key = `${r.area_code}|${r.role?.toLowerCase()}`;
        if (existing.has(key) || seen.has(key))
          errors.push({
            field: 'members',
            message: `${r.area_name} is already in the frame as ${r.role}`,
            value: r.area_code ?? '',
          });
        seen.add(key);
      }
      if (errors.length > 0)
        throw badRequest(
          `The frame has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was added. The first: ${errors[0]!.field}: ${errors[0]!.message}`,
          errors,
        );
      await repo.insertRespondents(k, rows);
      const frame = existing.size + rows.length;
      const from = input.rule ? 'rule' : input.csv !== undefined ? 'csv' : 'members';
      const context = { waveId, survey: wave.survey_code, version: wave.version };
      log.info({ ...context, from, added: rows.length, frame }, 'survey frame built');
      return { added: rows.length, frame };
    },

    /** A form's council field as typed and matched (the council, or why not and the choices), to show again. */
    councilField: (text: string | undefined) => areas.councilField(text),

    /** The frame's members with their state; never tokens. */
    async members(waveId: number): Promise<FrameMemberDto[]> {
      await surveys.waveRow(waveId);
      return (await repo.frame(k, waveId)).map((m) => ({
        id: m.id,
        area: m.area_code ? { code: m.area_code, name: m.area_name ?? m.area_code } : null,
        authorityType: m.authority_type,
        region: m.region_code ? { code: m.region_code, name: m.region_name ?? m.region_code } : null,
        role: m.role,
        contact: m.contact_name,
        linkIssued: m.token_issued_at !== null,
        status: m.submitted_at ? 'submitted' : m.status ? 'in-progress' : 'not-started',
      }));
    },

    /**
     * Issues links to the members who have none (or, with `reissue`, new links to every member: the old ones stop
     * working, answers already given are kept). The tokens are never stored; invitations and reminders carry the
     * same links.
     */
    async issueLinks(waveId: number, origin: string, reissue: boolean): Promise<LinkRow[]> {
      const wave = await surveys.waveRow(waveId);
      if (wave.mode !== 'frame')
        throw new AppError(
          409,
          'open-wave',
          `This wave is open to anyone: share its open link ${origin}/s/${wave.key} instead.`,
        );
      const members = await repo.membersForLinks(k, waveId, reissue);
      const at = new Date().toISOString();
      await links.ready();
      const issued = await Promise.all(members.map(async (m) => ({ m, token: await links.token(m.id, at) })));
      await repo.setTokens(
        k,
        issued.map(({ m, token }) => ({ id: m.id, hash: hashToken(token) })),
        at,
      );
      const context = { waveId, survey: wave.survey_code, version: wave.version };
      log.info({ ...context, issued: issued.length, reissue }, 'survey links issued');
      return issued.map(({ m, token }) => ({
        area_code: m.area_code ?? '',
        area_name: m.area_name ?? '',
        role: m.role ?? '',
        contact_name: m.contact_name ?? '',
        link: `${origin}/s/${wave.key}/${token}`,
      }));
    },
  };
}
export type Frames = ReturnType<typeof createFrames>;
