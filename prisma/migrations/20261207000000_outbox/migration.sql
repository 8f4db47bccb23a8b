-- The transactional outbox: a change and the event that describes it commit together; the
-- dispatcher delivers each row to the subscribers (audit log, pull statistics, later webhooks and
-- replication) and then deletes it. `id` is taken after a per-partition advisory lock held to the
-- commit, so within one partition (a repository) id order is commit order.
CREATE TABLE "outbox_event" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "partition_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "available_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "outbox_event_event_id_key" ON "outbox_event"("event_id");

-- The audit log learns of changes from the outbox; the event id makes a redelivery harmless.
ALTER TABLE "audit_log" ADD COLUMN "event_id" UUID;
CREATE UNIQUE INDEX "audit_log_event_id_key" ON "audit_log"("event_id");
