-- A repository is listed once an artifact was pushed to it: the row itself is created by the first
-- blob upload, and a push that never committed (refused by the quota, abandoned) must not list it.
ALTER TABLE "repository" ADD COLUMN "first_push_at" TIMESTAMPTZ(6);
UPDATE "repository" r SET "first_push_at" = r."created_at"
WHERE EXISTS (SELECT 1 FROM "manifest" m WHERE m."repository_id" = r."id");
