CREATE TABLE "platform"."usage_daily" (
	"organization_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"day" date NOT NULL,
	"request_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	"p95_latency_ms" integer,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_daily_pkey" PRIMARY KEY("organization_id","model_id","day"),
	CONSTRAINT "usage_daily_error_count_check" CHECK (error_count >= 0 AND error_count <= request_count)
);
--> statement-breakpoint
CREATE TABLE "platform"."usage_hourly" (
	"organization_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"hour_start" timestamp with time zone NOT NULL,
	"request_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	"p95_latency_ms" integer,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_hourly_pkey" PRIMARY KEY("organization_id","model_id","hour_start"),
	CONSTRAINT "usage_hourly_error_count_check" CHECK (error_count >= 0 AND error_count <= request_count)
);
--> statement-breakpoint
ALTER TABLE "platform"."usage_daily" ADD CONSTRAINT "usage_daily_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "platform"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."usage_daily" ADD CONSTRAINT "usage_daily_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "platform"."models"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."usage_hourly" ADD CONSTRAINT "usage_hourly_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "platform"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."usage_hourly" ADD CONSTRAINT "usage_hourly_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "platform"."models"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_daily_organization_id_day_idx" ON "platform"."usage_daily" USING btree ("organization_id","day");--> statement-breakpoint
CREATE INDEX "usage_daily_model_id_day_idx" ON "platform"."usage_daily" USING btree ("model_id","day");--> statement-breakpoint
CREATE INDEX "usage_hourly_organization_id_hour_start_idx" ON "platform"."usage_hourly" USING btree ("organization_id","hour_start");--> statement-breakpoint
CREATE INDEX "usage_hourly_model_id_hour_start_idx" ON "platform"."usage_hourly" USING btree ("model_id","hour_start");