import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Corporate peer challenge: versioned frameworks and their components, engagement kinds, dated deadline policy and
 * conflict-of-interest rules (all data), peers, engagements with their dated steps, teams, findings, recommendations,
 * actions with dated updates and documents. Seeds the three generations of the corporate peer challenge framework (the
 * component titles are the sector body's; their valid-from dates are the approximate start of each generation, 2011,
 * 2017 and 2023, and the prompt questions paraphrase each component), the engagement kinds, the deadlines (report 3
 * months, action plan 5, progress review report 12 after the visit) and the conflict rules.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withId = <T extends CreateTableBuilder<any, any>>(t: T): T =>
    (dialect === 'postgres'
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;

  await db.schema
    .createTable('peer_frameworks')
    .$call(withId)
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .addUniqueConstraint('peer_frameworks_code_version', ['code', 'version'])
    .execute();
  await db.schema
    .createTable('peer_framework_components')
    .$call(withId)
    .addColumn('framework_id', 'integer', (c) => c.notNull().references('peer_frameworks.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('prompts', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('peer_framework_components_code', ['framework_id', 'code'])
    .execute();
  await db.schema
    .createTable('peer_engagement_kinds')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('corporate', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('peer_deadlines')
    .$call(withId)
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('due_state', 'text', (c) => c.notNull())
    .addColumn('months', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .execute();
  await db.schema
    .createTable('peer_conflict_rules')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('peer_partnerships')
    .$call(withId)
    .addColumn('area_a_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('area_b_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .execute();
  await db.schema
    .createTable('peers')
    .$call(withId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('home_area_id', 'integer', (c) => c.references('areas.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('political_group', 'text')
    .addColumn('skills', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text')
    .addColumn('accreditation', 'text')
    .addColumn('accredited_at', 'text')
    .addColumn('availability', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('peers_user').on('peers').column('user_id').execute();
  await db.schema
    .createTable('peer_employments')
    .$call(withId)
    .addColumn('peer_id', 'integer', (c) => c.notNull().references('peers.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('until', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('peer_engagements')
    .$call(withId)
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('kind', 'text', (c) => c.notNull().references('peer_engagement_kinds.code'))
    .addColumn('framework_id', 'integer', (c) => c.notNull().references('peer_frameworks.id'))
    .addColumn('scope', 'text')
    .addColumn('focus_areas', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('resume_state', 'text')
    .addColumn('onsite_start', 'text')
    .addColumn('onsite_end', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('peer_engagements_area').on('peer_engagements').columns(['area_id', 'kind']).execute();
  await db.schema.createIndex('peer_engagements_state').on('peer_engagements').column('state').execute();
  await db.schema
    .createTable('peer_engagement_steps')
    .$call(withId)
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('peer_engagement_steps_engagement')
    .on('peer_engagement_steps')
    .columns(['engagement_id', 'id'])
    .execute();
  await db.schema
    .createTable('peer_team_members')
    .$call(withId)
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id'))
    .addColumn('peer_id', 'integer', (c) => c.notNull().references('peers.id'))
    .addColumn('team_role', 'text', (c) => c.notNull())
    .addColumn('days_committed', 'real', (c) => c.notNull())
    .addColumn('days_delivered', 'real')
    .addUniqueConstraint('peer_team_members_once', ['engagement_id', 'peer_id'])
    .execute();
  await db.schema.createIndex('peer_team_members_peer').on('peer_team_members').column('peer_id').execute();
  await db.schema
    .createTable('peer_findings')
    .$call(withId)
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id'))
    .addColumn('component_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('peer_findings_engagement').on('peer_findings').column('engagement_id').execute();
  await db.schema
    .createTable('peer_recommendations')
    .$call(withId)
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id'))
    .addColumn('component_code', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('peer_recommendations_engagement')
    .on('peer_recommendations')
    .column('engagement_id')
    .execute();
  await db.schema
    .createTable('peer_actions')
    .$call(withId)
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id'))
    .addColumn('recommendation_id', 'integer', (c) => c.notNull().references('peer_recommendations.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('owner_role', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('peer_actions_engagement').on('peer_actions').column('engagement_id').execute();
  await db.schema
    .createTable('peer_action_updates')
    .$call(withId)
    .addColumn('action_id', 'integer', (c) => c.notNull().references('peer_actions.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('peer_action_updates_action').on('peer_action_updates').column('action_id').execute();
  await db.schema
    .createTable('peer_documents')
    .$call(withId)
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('public', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('peer_documents_engagement').on('peer_documents').column('engagement_id').execute();

  // The shipped data.
  const generations: { version: string; name: string; from: string; to: string | null; components: string[][] }[] = [
    {
      version: '2011',
      name: 'Corporate peer challenge (2011)',
      from: '2011-04-01',
      to: '2017-03-31',
      components: [
        [
          'local-context-priorities',
          'Understanding of local context and priority setting',
          'Does the council understand its local context and has it established a clear set of priorities?',
        ],
        [
          'financial-planning-viability',
          'Financial planning and viability',
          'Does the council have a financial plan in place to ensure long-term viability, and is there evidence that it is being implemented successfully?',
        ],
        [
          'political-managerial-leadership',
          'Political and managerial leadership',
          'Does the council have effective political and managerial leadership, and is it a constructive partnership?',
        ],
        [
          'governance-decision-making',
          'Governance and decision-making',
          'Are effective governance and decision-making arrangements in place to respond to key challenges and manage change, transformation and disinvestment?',
        ],
        [
          'organisational-capacity',
          'Organisational capacity',
          'Are organisational capacity and resources focused in the right areas to deliver the agreed priorities?',
        ],
      ],
    },
    {
      version: '2017',
      name: 'Corporate peer challenge (2017)',
      from: '2017-04-01',
      to: '2022-12-31',
      components: [
        [
          'understanding-place-priorities',
          'Understanding of the local place and priority setting',
          'Does the council understand its local context and place and use that to inform a clear vision and set of priorities?',
        ],
        [
          'leadership-of-place',
          'Leadership of place',
          'Does the council provide effective leadership of place through its elected members, officers and constructive relationships and partnerships with external stakeholders?',
        ],
        [
          'organisational-leadership-governance',
          'Organisational leadership and governance',
          'Is there effective political and managerial leadership supported by good governance and decision-making arrangements that respond to key challenges and enable change and transformation to be implemented?',
        ],
        [
          'financial-planning-viability',
          'Financial planning and viability',
          'Does the council have a clear understanding of its current financial position, the short and longer-term financial challenges, and a plan to address them?',
        ],
        [
          'capacity-to-deliver',
          'Capacity to deliver',
          'Is organisational capacity aligned with priorities, and does the council influence, enable and leverage external capacity to focus on agreed outcomes?',
        ],
      ],
    },
    {
      version: '2023',
      name: 'Corporate peer challenge (current)',
      from: '2023-01-01',
      to: null,
      components: [
        [
          'local-priorities-outcomes',
          'Local priorities and outcomes',
          'Are the council’s priorities clear and informed by the local context? Is the council delivering effectively on its priorities and achieving improved outcomes for all its communities?',
        ],
        [
          'organisational-place-leadership',
          'Organisational and place leadership',
          'Does the council provide effective local leadership? Are there good relationships with partner organisations and local communities?',
        ],
        [
          'governance-culture',
          'Governance and culture',
          'Are there clear and robust governance arrangements? Is there a culture of challenge and scrutiny?',
        ],
        [
          'financial-planning-management',
          'Financial planning and management',
          'Does the council have a grip on its current financial position? Does it have a strategy and a plan to address its financial challenges?',
        ],
        [
          'capacity-for-improvement',
          'Capacity for improvement',
          'Is the organisation able to support delivery of local priorities? Does the council have the capacity to improve?',
        ],
      ],
    },
  ];
  for (const g of generations) {
    const fw = (await db
      .insertInto('peer_frameworks')
      .values({ code: 'corporate', version: g.version, name: g.name, valid_from: g.from, valid_to: g.to })
      .returning('id')
      .executeTakeFirstOrThrow()) as { id: number };
    await db
      .insertInto('peer_framework_components')
      .values(
        g.components.map(([code, title, prompt], i) => ({
          framework_id: fw.id,
          code,
          title,
          prompts: JSON.stringify([prompt]),
          position: i + 1,
        })),
      )
      .execute();
  }
  await db
    .insertInto('peer_engagement_kinds')
    .values([
      { code: 'corporate', name: 'Corporate peer challenge', corporate: 1 },
      { code: 'finance', name: 'Finance peer review', corporate: 0 },
      { code: 'childrens-safeguarding', name: 'Children’s safeguarding peer review', corporate: 0 },
      { code: 'adult-social-care', name: 'Adult social care peer review', corporate: 0 },
    ])
    .execute();
  await db
    .insertInto('peer_deadlines')
    .values([
      { code: 'report', due_state: 'report-published', months: 3, valid_from: '2011-04-01', valid_to: null },
      { code: 'action-plan', due_state: 'action-plan-published', months: 5, valid_from: '2011-04-01', valid_to: null },
      {
        code: 'progress-review-report',
        due_state: 'progress-review-published',
        months: 12,
        valid_from: '2011-04-01',
        valid_to: null,
      },
    ])
    .execute();
  await db
    .insertInto('peer_conflict_rules')
    .values([
      {
        code: 'own-council',
        description: 'The peer works for or represents the council itself',
        params: '{}',
        active: 1,
      },
      {
        code: 'similar-council',
        description: "The peer's council is one of the council's similar councils in a published family or our model",
        params: JSON.stringify({
          families: [
            'dfe-statistical-neighbours',
            'sli-neighbours-district-services',
            'sli-neighbours-county-services',
          ],
        }),
        active: 1,
      },
      {
        code: 'shared-partner',
        description: "The peer's council shares a chief executive or services with the council",
        params: '{}',
        active: 1,
      },
      {
        code: 'recent-employment',
        description: 'The peer worked for the council within the last few years',
        params: JSON.stringify({ years: 3 }),
        active: 1,
      },
      {
        code: 'same-combined-authority',
        description: "The peer's council is in the same combined authority as the council",
        params: '{}',
        active: 1,
      },
    ])
    .execute();
}
