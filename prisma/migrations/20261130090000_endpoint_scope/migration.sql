-- A rejection URL's scope is fixed when it is made, and never widens. Until now a null offer_id meant "global",
-- and deleting an offer set its URLs' offer_id to NULL (ON DELETE SET NULL): an offer-level URL silently became
-- advertiser-wide. Now the scope is a column of its own, an offer-level row must keep its offer (CHECK), and an
-- offer cannot be deleted while rejection URLs name it (RESTRICT; revoked ones too: they record what was shared).
-- rejection_endpoints holds one row per URL ever made, so the rewrite below is quick even on a live system.

-- CreateEnum
CREATE TYPE "endpoint_scope" AS ENUM ('global', 'offer');

-- AlterTable: until now a row said its scope by offer_id alone.
ALTER TABLE "rejection_endpoints" ADD COLUMN "scope" "endpoint_scope";
UPDATE "rejection_endpoints" SET "scope" = (CASE WHEN "offer_id" IS NULL THEN 'global' ELSE 'offer' END)::"endpoint_scope";
ALTER TABLE "rejection_endpoints" ALTER COLUMN "scope" SET NOT NULL;

-- An offer-level URL has its offer, a global one has none (schema.prisma cannot say this; the database does).
ALTER TABLE "rejection_endpoints" ADD CONSTRAINT "rejection_endpoints_scope_offer_check"
    CHECK (("scope" = 'offer') = ("offer_id" IS NOT NULL));

-- AlterForeignKey: SET NULL → RESTRICT.
ALTER TABLE "rejection_endpoints" DROP CONSTRAINT "rejection_endpoints_offer_id_fkey";
ALTER TABLE "rejection_endpoints" ADD CONSTRAINT "rejection_endpoints_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
