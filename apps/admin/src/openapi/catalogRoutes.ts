import { z } from 'zod';
import { advertiserQuery, listAdvertisers } from '../services/advertiserList.js';
import { advertiserInput, createAdvertiser, createOffer, offerInput } from '../services/advertisers.js';
import { int4Id } from '../services/inputTypes.js';
import { listOffers, offerQuery } from '../services/offerList.js';
import { endpointQuery, listRejectionEndpoints } from '../services/rejectionEndpointList.js';
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

const rejectionEndpoint = z
  .strictObject({
    id: z.int(),
    scope,
    advertiser_id: z.int(),
    offer_id: z.int().nullable(),
    created_at: instantText,
    revoked_at: instantText.nullable(),
    last_used_at: instantText.nullable(),
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
    method: 'delete',
    path: '/admin/rejection-endpoints/:id',
    summary: 'Revoke a rejection URL (idempotent): receivers refuse its key within seconds',
    params: idParam,
    responses: { 200: { description: 'Revoked', schema: answeredBy(z.strictObject({ id: z.int(), revoked_at: instantText }), revokeRejectionEndpoint) } },
    errors: { 404: 'No such rejection URL' },
  },
];
