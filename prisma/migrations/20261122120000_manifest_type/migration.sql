-- Harbor's artifact type of a manifest (IMAGE, CHART, SIGNATURE, …), stored at push time so the
-- artifact lists filtered by type read an index instead of computing the type of every row.
-- A manifest's media type, artifact type and annotations never change once it is stored, so the
-- type is computed once, on insert, like project_id.
CREATE FUNCTION "manifest_artifact_type"("media_type" TEXT, "artifact_type" TEXT, "annotations" JSONB)
RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN artifact_type IN ('application/vnd.dev.cosign.artifact.sig.v1+json', 'application/vnd.dev.sigstore.bundle.v0.3+json',
                           'application/vnd.cncf.notary.signature') THEN 'SIGNATURE'
    WHEN artifact_type IN ('application/spdx+json', 'text/spdx', 'text/spdx+json', 'application/vnd.cyclonedx+json',
                           'application/vnd.cyclonedx+xml', 'application/vnd.cyclonedx', 'application/vnd.syft+json',
                           'application/vnd.goharbor.harbor.sbom.v1') THEN 'SBOM'
    WHEN artifact_type = 'application/vnd.cncf.helm.config.v1+json' THEN 'CHART'
    WHEN artifact_type IN ('application/vnd.cnab.manifest.v1', 'application/vnd.cnab.config.v1+json')
         OR (annotations ? 'io.cnab.runtime_version') THEN 'CNAB'
    WHEN artifact_type IN ('application/vnd.wasm.config.v0+json', 'application/vnd.wasm.config.v1+json',
                           'application/vnd.module.wasm.config.v1+json') THEN 'WASM'
    WHEN artifact_type IN ('application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json') THEN 'IMAGE'
    WHEN artifact_type IS NULL AND media_type IN ('application/vnd.oci.image.index.v1+json',
                                                  'application/vnd.docker.distribution.manifest.list.v2+json') THEN 'IMAGE'
    -- Harbor's default processor: application/vnd.<vendor>.<type>.config.<version>+json → TYPE.
    WHEN artifact_type ~ '^application/vnd\.[^.]*\.(.*)\.config\.[^.]*\+json$'
      THEN upper(substring(artifact_type FROM '^application/vnd\.[^.]*\.(.*)\.config\.[^.]*\+json$'))
    ELSE 'UNKNOWN'
  END
$$;

-- AlterTable
ALTER TABLE "manifest" ADD COLUMN "type" TEXT NOT NULL DEFAULT 'UNKNOWN';
UPDATE "manifest" SET "type" = "manifest_artifact_type"("media_type", "artifact_type", "annotations");

-- Every writer of manifest rows (the engine's store in its commit, seeding scripts) gets the type
-- right without knowing the rules.
CREATE FUNCTION "manifest_set_type"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."type" := "manifest_artifact_type"(NEW."media_type", NEW."artifact_type", NEW."annotations");
  RETURN NEW;
END;
$$;

CREATE TRIGGER "manifest_set_type" BEFORE INSERT ON "manifest"
  FOR EACH ROW EXECUTE FUNCTION "manifest_set_type"();

-- Hand-written partial indexes (the schema declares their columns): the listed artifacts of a
-- repository or a project of one type, and of a project with one media type or artifact type
-- (`q=media_type=…` matches either), newest push first like the unfiltered lists.
CREATE INDEX "manifest_type_listing_idx" ON "manifest"("repository_id", "type", "created_at" DESC, "id" DESC)
    WHERE "subject_digest" IS NULL;

CREATE INDEX "manifest_project_type_listing_idx" ON "manifest"("project_id", "type", "created_at" DESC, "id" DESC)
    WHERE "subject_digest" IS NULL;

CREATE INDEX "manifest_project_media_type_listing_idx" ON "manifest"("project_id", "media_type", "created_at" DESC, "id" DESC)
    WHERE "subject_digest" IS NULL;

CREATE INDEX "manifest_project_artifact_type_listing_idx" ON "manifest"("project_id", "artifact_type", "created_at" DESC, "id" DESC)
    WHERE "subject_digest" IS NULL;
