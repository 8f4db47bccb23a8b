-- User groups (Harbor's /usergroups) and project members that are groups.
CREATE TABLE "user_group" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "group_type" INTEGER NOT NULL,
    "ldap_group_dn" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_group_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "user_group_name_key" ON "user_group"("name");

CREATE TABLE "user_group_member" (
    "group_id" BIGINT NOT NULL,
    "user_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_group_member_pkey" PRIMARY KEY ("group_id","user_id")
);

CREATE INDEX "user_group_member_user_id_idx" ON "user_group_member"("user_id");

ALTER TABLE "user_group_member" ADD CONSTRAINT "user_group_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "user_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "user_group_member" ADD CONSTRAINT "user_group_member_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "project_member" ALTER COLUMN "user_id" DROP NOT NULL;
ALTER TABLE "project_member" ADD COLUMN "group_id" BIGINT;
ALTER TABLE "project_member" ADD CONSTRAINT "project_member_user_or_group_check"
    CHECK (("user_id" IS NULL) <> ("group_id" IS NULL));

CREATE UNIQUE INDEX "project_member_project_id_group_id_key" ON "project_member"("project_id", "group_id");
CREATE INDEX "project_member_group_id_idx" ON "project_member"("group_id");

ALTER TABLE "project_member" ADD CONSTRAINT "project_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "user_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tokens issued before a subject's revocation are refused by /v2/; cores learn of new rows
-- through NOTIFY berth_token_revocation.
CREATE TABLE "token_revocation" (
    "subject" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "token_revocation_pkey" PRIMARY KEY ("subject")
);

CREATE INDEX "token_revocation_revoked_at_idx" ON "token_revocation"("revoked_at");
