-- Rotation of a rejection URL (issue 13): a new URL of the same scope replaces an old one, which keeps working until
-- its expires_at (the end of the grace period the operator picked) and is refused after it, by the receivers (the
-- expiry travels in the key registry) and at apply time (a postback received at or after it is `revoked`).
--   expires_at:  when a rotated URL stops working; null for a URL never rotated;
--   replaced_by: the URL that replaced it. Unique: a URL is replaced once. RESTRICT: a replacement cannot be deleted
--                while the old row names it (the admin undoes a rotation Redis refused by clearing this first).
-- Both are set together, by the rotation, or neither. rejection_endpoints has one row per URL handed out (thousands,
-- not millions): adding nullable columns changes only the catalog, and the unique index and checks scan it briefly.
ALTER TABLE "rejection_endpoints"
    ADD COLUMN "expires_at" TIMESTAMPTZ(3),
    ADD COLUMN "replaced_by" INTEGER;

CREATE UNIQUE INDEX "rejection_endpoints_replaced_by_key" ON "rejection_endpoints"("replaced_by");

ALTER TABLE "rejection_endpoints" ADD CONSTRAINT "rejection_endpoints_replaced_by_fkey"
    FOREIGN KEY ("replaced_by") REFERENCES "rejection_endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "rejection_endpoints" ADD CONSTRAINT "rejection_endpoints_rotation_check"
    CHECK (("replaced_by" IS NULL) = ("expires_at" IS NULL) AND ("replaced_by" IS NULL OR "replaced_by" <> "id"));
