import { z } from 'zod';
import type { PrismaClient } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import { int4Id, text } from './inputTypes.js';
import { parseInput } from './parseInput.js';

// advertisers.name and offers.name are text; 200 characters is the most a dashboard shows.
const name = text(200, { trim: true });
export const advertiserInput = z.object({ name });
export const offerInput = z.object({ advertiser_id: int4Id, name });

export async function createAdvertiser(prisma: PrismaClient, input: unknown) {
  const { name: n } = parseInput(advertiserInput, input);
  const a = await prisma.advertiser.create({ data: { name: n } });
  return { id: a.id, name: a.name };
}

export async function createOffer(prisma: PrismaClient, input: unknown) {
  const data = parseInput(offerInput, input);
  const advertiser = await prisma.advertiser.findUnique({ where: { id: data.advertiser_id } });
  if (!advertiser) throw new NotFoundError(`advertiser ${data.advertiser_id} not found`);
  const o = await prisma.offer.create({ data: { advertiserId: data.advertiser_id, name: data.name } });
  return { id: o.id, advertiser_id: o.advertiserId, name: o.name };
}

export async function showAdvertiser(prisma: PrismaClient, rawId: unknown) {
  const id = parseInput(int4Id, rawId, 'id');
  const a = await prisma.advertiser.findUnique({ where: { id } });
  if (!a) throw new NotFoundError(`advertiser ${id} not found`);
  return { id: a.id, name: a.name, created_at: a.createdAt.toISOString() };
}

export async function showOffer(prisma: PrismaClient, rawId: unknown) {
  const id = parseInput(int4Id, rawId, 'id');
  const o = await prisma.offer.findUnique({ where: { id } });
  if (!o) throw new NotFoundError(`offer ${id} not found`);
  return { id: o.id, advertiser_id: o.advertiserId, name: o.name, created_at: o.createdAt.toISOString() };
}
