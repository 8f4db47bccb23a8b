-- Webhooks (issue 9): Harbor's notification policies. Each delivery is an execution of the
-- `webhook` job kind (vendor type WEBHOOK, vendor id the policy) with one task; the policy keeps
-- the secrets sealed with the instance key and the last time each event type fired.
CREATE TABLE "notification_policy" (
    "id" BIGSERIAL NOT NULL,
    "project_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "targets" JSONB NOT NULL DEFAULT '[]',
    "event_types" JSONB NOT NULL DEFAULT '[]',
    "creator" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "signing_secret" TEXT NOT NULL,
    "last_triggered" JSONB NOT NULL DEFAULT '{}',
    "creation_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "update_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_policy_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "notification_policy_project_id_name_key" ON "notification_policy"("project_id", "name");

ALTER TABLE "notification_policy" ADD CONSTRAINT "notification_policy_project_id_fkey" FOREIGN KEY ("project_id")
    REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
