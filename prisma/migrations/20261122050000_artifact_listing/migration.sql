-- AlterTable
ALTER TABLE "repository" ADD COLUMN     "description" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "tag" ADD COLUMN     "id" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "tag_id_key" ON "tag"("id");

-- CreateIndex: the repositories of a project, newest first (Harbor's default order).
CREATE INDEX "repository_listing_idx" ON "repository"("project_id", "created_at" DESC, "id" DESC);

-- Hand-written partial indexes (the schema declares their columns; Prisma does not model the
-- WHERE clause). Accessories (manifests with a subject) are never listed, so they stay out of the
-- listing indexes, and paging and counting a repository's artifacts read indexes only.
-- The artifact list of a repository, newest push first.
CREATE INDEX "manifest_listing_idx" ON "manifest"("repository_id", "created_at" DESC, "id" DESC)
    WHERE "subject_digest" IS NULL;

-- The listed manifests of a repository by digest, with their ids: finds the children of indexes.
CREATE INDEX "manifest_listing_digest_idx" ON "manifest"("repository_id", "digest", "id")
    WHERE "subject_digest" IS NULL;

-- The indexes of a repository: their children are hidden from the list unless tagged.
CREATE INDEX "manifest_image_index_idx" ON "manifest"("repository_id", "id")
    WHERE "media_type" IN ('application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json');
