-- Online garbage collection (issue 9). A blob is live while some manifest_reference (kind 'blob')
-- names it. `unreferenced_at` records when a blob last lost a reference (a manifest deleted), so GC
-- frees such a blob at once, while one that was only uploaded waits out the grace window.
ALTER TABLE "blob" ADD COLUMN "unreferenced_at" TIMESTAMPTZ(6);

-- Blobs whose rows GC deleted and whose bytes it has not deleted yet: a run killed between the two
-- leaves them here and the next run finishes them.
CREATE TABLE "gc_blob_deletion" (
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gc_blob_deletion_pkey" PRIMARY KEY ("digest")
);

-- Marks the blobs of deleted references. Every one is marked, whether other references remain or
-- not (two concurrent deletions could each see the other's reference); GC decides liveness itself.
-- Rows are locked in digest order so concurrent deletions sharing blobs queue instead of deadlocking.
CREATE FUNCTION "blob_mark_unreferenced"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH targets AS (
    SELECT b.digest FROM "blob" b
    WHERE b.digest IN (SELECT o.digest FROM old_references o WHERE o.kind = 'blob')
    ORDER BY b.digest
    FOR NO KEY UPDATE)
  UPDATE "blob" b SET "unreferenced_at" = now() FROM targets WHERE b.digest = targets.digest;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "manifest_reference_mark_unreferenced"
  AFTER DELETE ON "manifest_reference"
  REFERENCING OLD TABLE AS old_references
  FOR EACH STATEMENT EXECUTE FUNCTION "blob_mark_unreferenced"();
