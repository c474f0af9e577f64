CREATE TYPE "lifegraph"."commitment_state" AS ENUM('proposed', 'accepted', 'active', 'paused', 'fulfilled', 'canceled', 'delinquent');--> statement-breakpoint
CREATE TYPE "lifegraph"."commitment_type" AS ENUM('obligation', 'responsibility', 'goal', 'routine', 'appointment', 'compliance');--> statement-breakpoint
CREATE TABLE "lifegraph"."commitments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"role_id" uuid NOT NULL,
	"commitment_type" "lifegraph"."commitment_type" NOT NULL,
	"title" varchar(500) NOT NULL,
	"description" text,
	"source" varchar(50) NOT NULL,
	"counterparty_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone,
	"rrule" text,
	"priority" integer DEFAULT 50,
	"state" "lifegraph"."commitment_state" DEFAULT 'accepted' NOT NULL,
	"severity" integer DEFAULT 0,
	"domain_tags" text[] DEFAULT '{}',
	"reason" text,
	"metadata" jsonb DEFAULT '{}'::jsonb,
	CONSTRAINT "commitments_source_check" CHECK (source IN ('email', 'doc', 'vision_extract', 'api', 'manual')),
	CONSTRAINT "commitments_priority_check" CHECK (priority BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "lifegraph"."parties" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" varchar(20) NOT NULL,
	"name" varchar(255) NOT NULL,
	"tax_id" varchar(50),
	"contact_json" jsonb DEFAULT '{}'::jsonb,
	"metadata" jsonb DEFAULT '{}'::jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "parties_kind_check" CHECK (kind IN ('person', 'org'))
);
--> statement-breakpoint
CREATE TABLE "lifegraph"."roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role_name" varchar(100) NOT NULL,
	"domain_tags" text[] DEFAULT '{}',
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lifegraph"."commitments" ADD CONSTRAINT "commitments_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "lifegraph"."roles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifegraph"."commitments" ADD CONSTRAINT "commitments_counterparty_id_fkey" FOREIGN KEY ("counterparty_id") REFERENCES "lifegraph"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifegraph"."roles" ADD CONSTRAINT "roles_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "lifegraph"."parties"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_commitments_role" ON "lifegraph"."commitments" USING btree ("role_id");--> statement-breakpoint
CREATE INDEX "idx_commitments_state_due" ON "lifegraph"."commitments" USING btree ("state","due_at");--> statement-breakpoint
CREATE INDEX "idx_commitments_priority" ON "lifegraph"."commitments" USING btree ("priority" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_commitments_domains" ON "lifegraph"."commitments" USING gin ("domain_tags");--> statement-breakpoint
CREATE INDEX "idx_commitments_counterparty" ON "lifegraph"."commitments" USING btree ("counterparty_id") WHERE counterparty_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_parties_name_trgm" ON "lifegraph"."parties" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "idx_parties_kind" ON "lifegraph"."parties" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "idx_parties_tax_id" ON "lifegraph"."parties" USING btree ("tax_id") WHERE tax_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_roles_user" ON "lifegraph"."roles" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_roles_party" ON "lifegraph"."roles" USING btree ("party_id");--> statement-breakpoint
CREATE INDEX "idx_roles_domains" ON "lifegraph"."roles" USING gin ("domain_tags");