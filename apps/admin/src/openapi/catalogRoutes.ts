import { z } from 'zod';
import { advertiserQuery, listAdvertisers } from '../services/advertiserList.js';
import { advertiserInput, createAdvertiser, createOffer, offerInput, showAdvertiser, showOffer } from '../services/advertisers.js';
import { int4Id } from '../services/inputTypes.js';
import { listOffers, offerQuery } from '../services/offerList.js';
import { endpointQuery, listRejectionEndpoints } from '../services/rejectionEndpointList.js';
import { rotateInput, rotateRejectionEndpoint } from '../services/rejectionEndpointRotation.js';
import { createInput as rejectionEndpointInput, createRejectionEndpoint, revokeRejectionEndpoint } from '../services/rejectionEndpoints.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText, nextCursor } from './responseTypes.js';

const advertiser = z.strictObject({ id: z.int(), name: z.string() });
const listedAdvertiser = advertiser.extend({ created_at: instantText }).meta({ id: 'Advertiser' });
const offer = z.strictObject({ id: z.int(), advertiser_id: z.int(), name: z.string() });
const listedOffer = offer.extend({ created_at: instantText }).meta({ id: 'Offer' });
const scope = z.enum(['global', 'offer']);

const newRejectionEndpoint = z
  .strictObject({
    id: z.int(),
    scope,
    advertiser_id: z.int(),
    offer_id: z.int().nullable(),
    /** The whole URL to give the advertiser, with its key: shown here once, never again. */
    url: z.string(),
    key: z.string(),
  })
  .meta({ id: 'NewRejectionEndpoint' });

const rotatedRejectionEndpoint = newRejectionEndpoint
  .extend({
    /** The URL it replaces, which keeps working until old_expires_at. */
    replaces: z.int(),
    old_expires_at: instantText,
  })
  .meta({ id: 'RotatedRejectionEndpoint' });

const rejectionEndpoint = z
  .strictObject({
    id: z.int(),
    scope,
    advertiser_id: z.int(),
    offer_id: z.int().nullable(),
    created_at: instantText,
    revoked_at: instantText.nullable(),
    last_used_at: instantText.nullable().meta({ description: 'When the last postback with its key still in the postback log was received' }),
    postbacks_24h: z.int().meta({ description: 'Postbacks with its key received in the last 24 hours and applied' }),
    expires_at: instantText.nullable().meta({ description: "A rotated URL's end of grace: refused from then on; null if never rotated" }),
    replaced_by: z.int().nullable().meta({ description: 'The URL that replaced it at its rotation; null if not rotated' }),
  })
  .meta({ id: 'RejectionEndpoint' });

const idParam = z.object({ id: int4Id });

/** Advertisers, offers and their rejection URLs (app.ts). */
export const catalogRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/admin/advertisers',
    summary: 'Create an advertiser',
    body: advertiserInput,
    responses: { 201: { description: 'Created', schema: answeredBy(advertiser, createAdvertiser) } },
  },
  {
    method: 'get',
    path: '/admin/advertisers',
    summary: 'List advertisers, oldest first, optionally by a part of the name',
    query: advertiserQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ advertisers: z.array(listedAdvertiser), next_cursor: nextCursor }), listAdvertisers) } },
  },
  {
    method: 'get',
    path: '/admin/advertisers/:id',
    summary: 'One advertiser',
    params: idParam,
    responses: { 200: { description: 'The advertiser', schema: answeredBy(listedAdvertiser, showAdvertiser) } },
    errors: { 404: 'No such advertiser' },
  },
  {
    method: 'post',
    path: '/admin/offers',
    summary: 'Create an offer of an advertiser',
    body: offerInput,
    responses: { 201: { description: 'Created', schema: answeredBy(offer, createOffer) } },
    errors: { 404: 'No such advertiser' },
  },
  {
    method: 'get',
    path: '/admin/offers',
    summary: 'List offers, oldest first, optionally of one advertiser',
    query: offerQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ offers: z.array(listedOffer), next_cursor: nextCursor }), listOffers) } },
  },
  {
    method: 'get',
    path: '/admin/offers/:id',
    summary: 'One offer',
    params: idParam,
    responses: { 200: { description: 'The offer', schema: answeredBy(listedOffer, showOffer) } },
    errors: { 404: 'No such offer' },
  },
  {
    method: 'post',
    path: '/admin/rejection-endpoints',
    summary: 'Create a rejection URL: global (advertiser_id) or offer-level (offer_id)',
    description: 'The answer holds the URL with its key; only the key\'s hash is stored, so this is the one time it is shown.',
    body: rejectionEndpointInput,
    responses: { 201: { description: 'Created; the URL is shown this once', schema: answeredBy(newRejectionEndpoint, createRejectionEndpoint) } },
    errors: { 404: 'No such advertiser or offer' },
  },
  {
    method: 'get',
    path: '/admin/rejection-endpoints',
    summary: 'List rejection URLs (never their keys), oldest first',
    query: endpointQuery,
    responses: {
      200: { description: 'A page', schema: answeredBy(z.strictObject({ rejection_endpoints: z.array(rejectionEndpoint), next_cursor: nextCursor }), listRejectionEndpoints) },
    },
  },
  {
    method: 'post',
    path: '/admin/rejection-endpoints/:id/rotate',
    summary: 'Rotate a rejection URL: a new URL of the same scope; the old one works until the end of its grace',
    description: 'The answer holds the new URL with its key, shown this once. The old URL is refused from old_expires_at on.',
    params: idParam,
    body: rotateInput,
    responses: { 201: { description: 'Rotated; the new URL is shown this once', schema: answeredBy(rotatedRejectionEndpoint, rotateRejectionEndpoint) } },
    errors: { 404: 'No such rejection URL', 409: 'It is revoked, or was already rotated' },
  },
  {
    method: 'delete',
    path: '/admin/rejection-endpoints/:id',
    summary: 'Revoke a rejection URL (idempotent): receivers refuse its key within seconds',
    params: idParam,
    responses: { 200: { description: 'Revoked', schema: answeredBy(z.strictObject({ id: z.int(), revoked_at: instantText }), revokeRejectionEndpoint) } },
    errors: { 404: 'No such rejection URL' },
  },
];
