-- AlterTable: Harbor's extra_attrs, captured from the config blob at push time.
ALTER TABLE "manifest" ADD COLUMN "extra_attrs" JSONB;

-- AlterTable: the project of each manifest, so a project's artifacts are listed from one index.
ALTER TABLE "manifest" ADD COLUMN "project_id" BIGINT;
UPDATE "manifest" m SET "project_id" = r."project_id" FROM "repository" r WHERE r."id" = m."repository_id";
ALTER TABLE "manifest" ALTER COLUMN "project_id" SET NOT NULL;

-- Every writer of manifest rows (the engine's store, seeding scripts) gets the column right without
-- knowing about it: a repository never changes project, so copying it on insert is enough.
CREATE FUNCTION "manifest_set_project_id"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."project_id" := (SELECT "project_id" FROM "repository" WHERE "id" = NEW."repository_id");
  RETURN NEW;
END;
$$;

CREATE TRIGGER "manifest_set_project_id" BEFORE INSERT ON "manifest"
  FOR EACH ROW EXECUTE FUNCTION "manifest_set_project_id"();

-- The artifact list of a project, newest push first (accessories are never listed).
CREATE INDEX "manifest_project_listing_idx" ON "manifest"("project_id", "created_at" DESC, "id" DESC)
    WHERE "subject_digest" IS NULL;

-- The indexes of a project: their untagged children are hidden from the list.
CREATE INDEX "manifest_project_image_index_idx" ON "manifest"("project_id", "id")
    WHERE "media_type" IN ('application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json');

-- CreateTable
CREATE TABLE "cve_allowlist" (
    "id" BIGSERIAL NOT NULL,
    "project_id" BIGINT,
    "expires_at" BIGINT,
    "items" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cve_allowlist_pkey" PRIMARY KEY ("id")
);

-- CreateIndex: NULLS NOT DISTINCT keeps one system allowlist (project_id NULL).
CREATE UNIQUE INDEX "cve_allowlist_project_id_key" ON "cve_allowlist"("project_id") NULLS NOT DISTINCT;

-- AddForeignKey
ALTER TABLE "cve_allowlist" ADD CONSTRAINT "cve_allowlist_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
