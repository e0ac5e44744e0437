import type { ConversionStatus, PrismaClient, Scope } from '@postback/core';
import type { AdminDeps } from '../../../apps/admin/src/wiring/adminDeps.js';
import { givenRejectionUrl } from '../../helpers/fixtures.js';

/** One rejection URL of the world: its key, and the endpoint and scope the receiver resolves it to. */
export interface WorldKey {
  key: string;
  endpointId: number;
  scope: Scope;
}

/** One request of a burst: which key, which transaction, which reason. */
export interface PlannedPostback {
  key: string;
  transactionId: string;
  reason: string;
}

export interface World {
  keys: WorldKey[];
  /** Conversions the plan targets (in and out of scope), and decoys it never names. */
  targeted: string[];
  decoys: string[];
  plan: PlannedPostback[];
}

export interface WorldShape {
  advertisers: number;
  offersPerAdvertiser: number;
  conversionsPerOffer: number;
  decoysPerOffer: number;
  postbacks: number;
  seed: number;
}

export const DEFAULT_SHAPE: WorldShape = {
  advertisers: 3,
  offersPerAdvertiser: 2,
  conversionsPerOffer: 80,
  decoysPerOffer: 20,
  postbacks: 6000,
  seed: 1,
};

const STATUSES: ConversionStatus[] = ['approved', 'pending', 'rejected'];
const REASONS = ['bot_traffic', 'duplicate', 'chargeback', 'fraud'];

/** A small deterministic generator (mulberry32), so a failing run can be replayed with the same plan. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Several advertisers with several offers each; a global URL per advertiser and an offer-level URL for the first
 * offer of each; conversions in every status. The plan sends many postbacks per transaction id (so their order
 * matters), mostly with a key in scope, some with a key of another offer or advertiser (out_of_scope) and some
 * for transaction ids nobody tracks (not_found).
 */
export async function givenWorld(prisma: PrismaClient, admin: AdminDeps, tag: string, shape: Partial<WorldShape> = {}): Promise<World> {
  const s = { ...DEFAULT_SHAPE, ...shape };
  const rnd = random(s.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

  const keys: WorldKey[] = [];
  const conversions: Array<{ transactionId: string; offerId: number; status: ConversionStatus; rejectedReason: string | null }> = [];
  const targets: Array<{ transactionId: string; inScope: WorldKey[]; outOfScope: WorldKey[] }> = [];
  const decoys: string[] = [];
  const offerKeys = new Map<number, WorldKey>();
  const globalKeys = new Map<number, WorldKey>();
  const offersOf = new Map<number, number[]>();

  for (let a = 0; a < s.advertisers; a++) {
    const advertiser = await prisma.advertiser.create({ data: { name: `${tag}-advertiser-${a}` } });
    const offers: number[] = [];
    for (let o = 0; o < s.offersPerAdvertiser; o++) {
      offers.push((await prisma.offer.create({ data: { advertiserId: advertiser.id, name: `${tag}-offer-${a}-${o}` } })).id);
    }
    offersOf.set(advertiser.id, offers);
    const global = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    globalKeys.set(advertiser.id, { key: global.key, endpointId: global.id, scope: { kind: 'global', advertiserId: advertiser.id, offerId: null } });
    const offerLevel = await givenRejectionUrl(admin, { offerId: offers[0]! });
    offerKeys.set(offers[0]!, { key: offerLevel.key, endpointId: offerLevel.id, scope: { kind: 'offer', advertiserId: advertiser.id, offerId: offers[0]! } });
  }
  keys.push(...globalKeys.values(), ...offerKeys.values());

  for (const [advertiserId, offers] of offersOf) {
    for (const offerId of offers) {
      const inScope = [globalKeys.get(advertiserId)!, ...(offerKeys.has(offerId) ? [offerKeys.get(offerId)!] : [])];
      const outOfScope = keys.filter((k) => !inScope.includes(k) && !(k.scope.offerId === null && k.scope.advertiserId === advertiserId));
      for (let i = 0; i < s.conversionsPerOffer + s.decoysPerOffer; i++) {
        const transactionId = `${tag}-${offerId}-${i}`;
        const status = STATUSES[i % STATUSES.length]!;
        conversions.push({ transactionId, offerId, status, rejectedReason: status === 'rejected' ? pick(REASONS) : null });
        if (i < s.conversionsPerOffer) targets.push({ transactionId, inScope, outOfScope });
        else decoys.push(transactionId);
      }
    }
  }
  await prisma.conversion.createMany({ data: conversions });

  const plan: PlannedPostback[] = [];
  for (let i = 0; i < s.postbacks; i++) {
    const roll = rnd();
    const target = pick(targets);
    const reason = pick(REASONS);
    if (roll < 0.04) plan.push({ key: pick(keys).key, transactionId: `${tag}-untracked-${i % 50}`, reason });
    else if (roll < 0.15) plan.push({ key: pick(target.outOfScope).key, transactionId: target.transactionId, reason });
    else plan.push({ key: pick(target.inScope).key, transactionId: target.transactionId, reason });
  }
  return { keys, targeted: targets.map((t) => t.transactionId), decoys, plan };
}
