CREATE TABLE "lifegraph"."document_links" (
	"document_id" uuid NOT NULL,
	"entity_type" varchar(50) NOT NULL,
	"entity_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_links_pkey" PRIMARY KEY("document_id","entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "lifegraph"."interactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" varchar(50) NOT NULL,
	"actor_type" varchar(20) NOT NULL,
	"actor_id" uuid,
	"primary_entity_type" varchar(50) NOT NULL,
	"primary_entity_id" uuid NOT NULL,
	"related_entities" jsonb DEFAULT '[]'::jsonb,
	"metadata" jsonb DEFAULT '{}'::jsonb,
	"cost" numeric(10, 4),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lifegraph"."signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" varchar(50) NOT NULL,
	"payload_json" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" varchar(50) DEFAULT 'new' NOT NULL,
	"dedupe_key" varchar(255),
	"extraction_id" uuid,
	"extraction_cost" numeric(10, 4),
	CONSTRAINT "signals_dedupe_key_key" UNIQUE("dedupe_key"),
	CONSTRAINT "signals_source_check" CHECK (source IN ('vision_upload', 'email', 'api', 'manual')),
	CONSTRAINT "signals_status_check" CHECK (status IN ('new', 'processing', 'attached', 'archived'))
);
--> statement-breakpoint
ALTER TABLE "lifegraph"."document_links" ADD CONSTRAINT "document_links_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "lifegraph"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifegraph"."signals" ADD CONSTRAINT "signals_extraction_id_fkey" FOREIGN KEY ("extraction_id") REFERENCES "lifegraph"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_doclinks_entity" ON "lifegraph"."document_links" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "idx_doclinks_document" ON "lifegraph"."document_links" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "idx_interactions_entity" ON "lifegraph"."interactions" USING btree ("primary_entity_type","primary_entity_id");--> statement-breakpoint
CREATE INDEX "idx_interactions_type" ON "lifegraph"."interactions" USING btree ("type");--> statement-breakpoint
CREATE INDEX "idx_interactions_created" ON "lifegraph"."interactions" USING btree ("created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_interactions_actor" ON "lifegraph"."interactions" USING btree ("actor_type","actor_id") WHERE actor_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_signals_status" ON "lifegraph"."signals" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_signals_received" ON "lifegraph"."signals" USING btree ("received_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "idx_signals_dedupe" ON "lifegraph"."signals" USING btree ("dedupe_key") WHERE dedupe_key IS NOT NULL;