-- CreateTable
CREATE TABLE "repository" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "blob" (
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blob_pkey" PRIMARY KEY ("digest")
);

-- CreateTable
CREATE TABLE "repository_blob" (
    "repository_id" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repository_blob_pkey" PRIMARY KEY ("repository_id","digest")
);

-- CreateTable
CREATE TABLE "manifest" (
    "id" BIGSERIAL NOT NULL,
    "repository_id" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "artifact_type" TEXT,
    "size" BIGINT NOT NULL,
    "payload" BYTEA NOT NULL,
    "subject_digest" TEXT,
    "annotations" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manifest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "manifest_reference" (
    "manifest_id" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "size" BIGINT NOT NULL,

    CONSTRAINT "manifest_reference_pkey" PRIMARY KEY ("manifest_id","digest")
);

-- CreateTable
CREATE TABLE "tag" (
    "repository_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "manifest_id" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tag_pkey" PRIMARY KEY ("repository_id","name")
);

-- CreateTable
CREATE TABLE "upload_session" (
    "id" UUID NOT NULL,
    "repository" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "upload_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "repository_name_key" ON "repository"("name");

-- CreateIndex
CREATE INDEX "repository_blob_digest_idx" ON "repository_blob"("digest");

-- CreateIndex
CREATE INDEX "manifest_repository_id_subject_digest_idx" ON "manifest"("repository_id", "subject_digest");

-- CreateIndex
CREATE UNIQUE INDEX "manifest_repository_id_digest_key" ON "manifest"("repository_id", "digest");

-- CreateIndex
CREATE INDEX "manifest_reference_digest_idx" ON "manifest_reference"("digest");

-- CreateIndex
CREATE INDEX "tag_manifest_id_idx" ON "tag"("manifest_id");

-- AddForeignKey
ALTER TABLE "repository_blob" ADD CONSTRAINT "repository_blob_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "repository_blob" ADD CONSTRAINT "repository_blob_digest_fkey" FOREIGN KEY ("digest") REFERENCES "blob"("digest") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manifest" ADD CONSTRAINT "manifest_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manifest_reference" ADD CONSTRAINT "manifest_reference_manifest_id_fkey" FOREIGN KEY ("manifest_id") REFERENCES "manifest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag" ADD CONSTRAINT "tag_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag" ADD CONSTRAINT "tag_manifest_id_fkey" FOREIGN KEY ("manifest_id") REFERENCES "manifest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma does not model CHECK constraints and leaves them alone).
ALTER TABLE "manifest_reference" ADD CONSTRAINT "manifest_reference_kind_check" CHECK ("kind" IN ('blob', 'manifest'));
