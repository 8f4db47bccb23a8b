-- Tag retention policies (one per project) and tag immutability rules (issue 9).
CREATE TABLE "retention_policy" (
    "id" BIGSERIAL NOT NULL,
    "project_id" BIGINT NOT NULL,
    "algorithm" TEXT NOT NULL DEFAULT 'or',
    "rules" JSONB NOT NULL DEFAULT '[]',
    "trigger" JSONB NOT NULL,
    "creation_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "update_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retention_policy_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "retention_policy_project_id_key" ON "retention_policy"("project_id");

ALTER TABLE "retention_policy" ADD CONSTRAINT "retention_policy_project_id_fkey" FOREIGN KEY ("project_id")
    REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A policy's schedule goes with the policy, whichever way the policy goes (the API, or its
-- project's deletion cascading), so no schedule fires for a policy that no longer exists.
CREATE FUNCTION "retention_policy_drop_schedule"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM "schedule" WHERE "vendor_type" = 'RETENTION' AND "vendor_id" = OLD."id";
    RETURN OLD;
END $$;

CREATE TRIGGER "retention_policy_drop_schedule" AFTER DELETE ON "retention_policy"
    FOR EACH ROW EXECUTE FUNCTION "retention_policy_drop_schedule"();

CREATE TABLE "immutable_rule" (
    "id" BIGSERIAL NOT NULL,
    "project_id" BIGINT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "action" TEXT NOT NULL DEFAULT 'immutable',
    "template" TEXT NOT NULL DEFAULT 'immutable_template',
    "tag_selectors" JSONB NOT NULL,
    "scope_selectors" JSONB NOT NULL,
    "selectors_key" TEXT NOT NULL,
    "creation_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "update_time" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "immutable_rule_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "immutable_rule_project_id_selectors_key_key" ON "immutable_rule"("project_id", "selectors_key");

ALTER TABLE "immutable_rule" ADD CONSTRAINT "immutable_rule_project_id_fkey" FOREIGN KEY ("project_id")
    REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every process caches the rules (pushes consult them); any change, a project's deletion included,
-- tells them all at commit.
CREATE FUNCTION "immutable_rule_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('berth_immutable_rules', '');
    RETURN NULL;
END $$;

CREATE TRIGGER "immutable_rule_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "immutable_rule"
    FOR EACH STATEMENT EXECUTE FUNCTION "immutable_rule_notify"();
