import { z } from 'zod';
import type { PrismaClient } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import { parseInput } from './parseInput.js';

const name = z.string().trim().min(1).max(200);
const id = z.coerce.number().int().positive();

export async function createAdvertiser(prisma: PrismaClient, input: unknown) {
  const { name: n } = parseInput(z.object({ name }), input);
  const a = await prisma.advertiser.create({ data: { name: n } });
  return { id: a.id, name: a.name };
}

export async function createOffer(prisma: PrismaClient, input: unknown) {
  const data = parseInput(z.object({ advertiser_id: id, name }), input);
  const advertiser = await prisma.advertiser.findUnique({ where: { id: data.advertiser_id } });
  if (!advertiser) throw new NotFoundError(`advertiser ${data.advertiser_id} not found`);
  const o = await prisma.offer.create({ data: { advertiserId: data.advertiser_id, name: data.name } });
  return { id: o.id, advertiser_id: o.advertiserId, name: o.name };
}
