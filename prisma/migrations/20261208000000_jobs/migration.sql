-- Background jobs (issue 9): executions and tasks as Harbor models them, task logs, cron schedules
-- fired once across workers, and the heartbeats of running workers. The queues themselves live in
-- Redis (BullMQ) or in pg-boss's own schema.
CREATE TABLE "execution" (
    "id" BIGSERIAL NOT NULL,
    "vendor_type" TEXT NOT NULL,
    "vendor_id" BIGINT NOT NULL DEFAULT -1,
    "job_kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "status_message" TEXT NOT NULL DEFAULT '',
    "trigger" TEXT NOT NULL,
    "extra_attrs" JSONB NOT NULL DEFAULT '{}',
    "dedupe_key" TEXT,
    "stop_requested_at" TIMESTAMPTZ(6),
    "start_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "end_time" TIMESTAMPTZ(6),
    "update_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "execution_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "execution_dedupe_key_key" ON "execution"("dedupe_key");
CREATE INDEX "execution_vendor_type_vendor_id_id_idx" ON "execution"("vendor_type", "vendor_id", "id");
CREATE INDEX "execution_status_idx" ON "execution"("status");

CREATE TABLE "task" (
    "id" BIGSERIAL NOT NULL,
    "execution_id" BIGINT NOT NULL,
    "job_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "status_message" TEXT NOT NULL DEFAULT '',
    "run_count" INTEGER NOT NULL DEFAULT 0,
    "extra_attrs" JSONB NOT NULL DEFAULT '{}',
    "progress_done" BIGINT NOT NULL DEFAULT 0,
    "progress_total" BIGINT,
    "worker_id" TEXT,
    "enqueued_at" TIMESTAMPTZ(6),
    "creation_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "update_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "start_time" TIMESTAMPTZ(6),
    "end_time" TIMESTAMPTZ(6),

    CONSTRAINT "task_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "task_job_id_key" ON "task"("job_id");
CREATE INDEX "task_execution_id_id_idx" ON "task"("execution_id", "id");
CREATE INDEX "task_status_idx" ON "task"("status");

ALTER TABLE "task" ADD CONSTRAINT "task_execution_id_fkey" FOREIGN KEY ("execution_id")
    REFERENCES "execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "task_log" (
    "id" BIGSERIAL NOT NULL,
    "task_id" BIGINT NOT NULL,
    "logged_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "task_log_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "task_log_task_id_id_idx" ON "task_log"("task_id", "id");

ALTER TABLE "task_log" ADD CONSTRAINT "task_log_task_id_fkey" FOREIGN KEY ("task_id")
    REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "schedule" (
    "id" BIGSERIAL NOT NULL,
    "vendor_type" TEXT NOT NULL,
    "vendor_id" BIGINT NOT NULL DEFAULT -1,
    "job_kind" TEXT NOT NULL,
    "cron_type" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "extra_attrs" JSONB NOT NULL DEFAULT '{}',
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "next_fire_at" TIMESTAMPTZ(6) NOT NULL,
    "last_fired_at" TIMESTAMPTZ(6),
    "creation_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "update_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedule_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "schedule_vendor_type_vendor_id_key" ON "schedule"("vendor_type", "vendor_id");
CREATE INDEX "schedule_next_fire_at_idx" ON "schedule"("next_fire_at");

CREATE TABLE "job_worker" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "engine" TEXT NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_worker_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "job_worker_heartbeat_at_idx" ON "job_worker"("heartbeat_at");
