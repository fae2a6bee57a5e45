/**
 * The API of peer challenge evaluation and days delivered under /api/v1/peer-challenge (managers and administrators;
 * writes with the x-csrf-token header): an engagement's leader and chief executive, the standard questionnaires, their
 * waves, a wave's frame built from the engagements, invitations, and a team member's days delivered.
 */
import { noStore } from '../../platform/http.ts';
import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { checkCsrf, requireRole } from '../accounts/index.ts';
import { MANAGER_ROLES } from './context.ts';
import * as E from './evaluation-schemas.ts';
import { IdParams } from './schemas.ts';
import type { PeerService } from './service.ts';

const BASE = '/api/v1/peer-challenge';
const TAGS = ['peer-challenge'];

export function evaluationRoutes(app: App, peer: PeerService): void {
  const read = problemResponses(401, 403, 404);
  const write = problemResponses(400, 401, 403, 404, 409);
  const guard = (req: Parameters<typeof checkCsrf>[0]) => {
    if (!req.user) requireRole(req, MANAGER_ROLES);
    checkCsrf(req);
  };

  app.get(
    `${BASE}/engagements/:id/contacts`,
    {
      schema: {
        tags: TAGS,
        summary: "The council's leader and chief executive recorded for the evaluation surveys (managers)",
        params: IdParams,
        response: { 200: E.Contacts, ...read },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.contacts(req.user, req.params.id);
    },
  );
  app.put(
    `${BASE}/engagements/:id/contacts`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Record the council's leader and chief executive (names, email addresses) for the evaluation surveys; a role left empty is removed (managers; x-csrf-token header)",
        params: IdParams,
        body: E.ContactsBody,
        response: { 200: E.Contacts, ...write },
      },
    },
    async (req, reply) => {
      guard(req);
      await peer.setContacts(req.user, req.params.id, req.body);
      noStore(reply);
      return peer.contacts(req.user, req.params.id);
    },
  );
  app.patch(
    `${BASE}/engagements/:id/team/:peer`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Record a team member's days delivered after the visit (0 to 30, whole or half days; null clears it): the pool counts them as days donated (managers; x-csrf-token header)",
        params: E.MemberParams,
        body: E.DaysBody,
        response: { 200: E.DaysRecorded, ...write },
      },
    },
    async (req, reply) => {
      guard(req);
      noStore(reply);
      return peer.recordDaysDelivered(req.user, req.params.id, req.params.peer, req.body.daysDelivered);
    },
  );

  app.get(
    `${BASE}/evaluation/questionnaires`,
    {
      schema: {
        tags: TAGS,
        summary: 'The standard feedback and impact questionnaires and the versions loaded (managers)',
        response: { 200: E.Questionnaires, ...read },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.questionnaires(req.user);
    },
  );
  app.post(
    `${BASE}/evaluation/questionnaires`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Load the standard feedback or impact questionnaire as a survey definition; again, nothing changes (managers; x-csrf-token header)',
        body: E.LoadBody,
        response: { 200: E.Loaded, ...write },
      },
    },
    async (req, reply) => {
      guard(req);
      noStore(reply);
      return peer.loadQuestionnaire(req.user, req.body.survey);
    },
  );
  app.get(
    `${BASE}/evaluation/waves`,
    {
      schema: {
        tags: TAGS,
        summary: 'The waves of the peer challenge questionnaires, newest first (managers)',
        response: { 200: E.EvaluationWaves, ...read },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.evaluationWaves(req.user);
    },
  );
  app.post(
    `${BASE}/evaluation/waves`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Create a wave (personal links) of the latest loaded version of the feedback or impact questionnaire (managers; x-csrf-token header)',
        body: E.WaveBody,
        response: { 201: E.Wave, ...write },
      },
    },
    async (req, reply) => {
      guard(req);
      const wave = await peer.createEvaluationWave(req.user, req.body);
      return noStore(reply).status(201).send(wave);
    },
  );
  app.post(
    `${BASE}/evaluation/frames`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Build a wave's frame from the engagements whose feedback was presented in a range (the impact survey: monthsAfter months before it), the leader and chief executive of each council with the contacts recorded; dryRun lists them only (managers; x-csrf-token header)",
        body: E.FrameBody,
        response: { 200: E.FrameResult, ...write },
      },
    },
    async (req, reply) => {
      guard(req);
      noStore(reply);
      return peer.evaluationFrame(req.user, req.body, req.body.dryRun !== true);
    },
  );
  app.post(
    `${BASE}/evaluation/waves/:wave/invitations`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Email an invitation with a personal link to each member of the wave's frame with an address not yet invited (managers; x-csrf-token header)",
        params: E.WaveParams,
        response: { 200: E.Queued, ...write },
      },
    },
    async (req, reply) => {
      guard(req);
      noStore(reply);
      return peer.inviteEvaluation(req.user, req.params.wave, req.server.publicOrigin());
    },
  );
}
