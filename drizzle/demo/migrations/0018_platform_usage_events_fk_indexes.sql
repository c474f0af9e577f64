-- strata:no-transaction
-- Hand-edited from drizzle-kit's output (two plain CREATE INDEX on the partitioned parent): index the foreign keys
-- usage_events_user_id_fkey and usage_events_api_key_id_fkey (lint: foreign-key-without-index) without blocking
-- writes. CONCURRENTLY cannot build an index on a partitioned table, so: an invalid index ON ONLY the parent
-- (no rows read), each partition's index built CONCURRENTLY, then attached; the parent index becomes valid
-- once every partition's is attached. Every statement is idempotent, so a run interrupted half-way is rerun.
CREATE INDEX IF NOT EXISTS "usage_events_user_id_idx" ON ONLY "platform"."usage_events" USING btree ("user_id");
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_default_user_id_idx" ON "platform"."usage_events_default" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_default_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m01_user_id_idx" ON "platform"."usage_events_y2026m01" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m01_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m02_user_id_idx" ON "platform"."usage_events_y2026m02" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m02_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m03_user_id_idx" ON "platform"."usage_events_y2026m03" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m03_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m04_user_id_idx" ON "platform"."usage_events_y2026m04" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m04_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m05_user_id_idx" ON "platform"."usage_events_y2026m05" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m05_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m06_user_id_idx" ON "platform"."usage_events_y2026m06" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m06_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m07_user_id_idx" ON "platform"."usage_events_y2026m07" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m07_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m08_user_id_idx" ON "platform"."usage_events_y2026m08" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m08_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m09_user_id_idx" ON "platform"."usage_events_y2026m09" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m09_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m10_user_id_idx" ON "platform"."usage_events_y2026m10" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m10_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m11_user_id_idx" ON "platform"."usage_events_y2026m11" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m11_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m12_user_id_idx" ON "platform"."usage_events_y2026m12" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m12_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m01_user_id_idx" ON "platform"."usage_events_y2027m01" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m01_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m02_user_id_idx" ON "platform"."usage_events_y2027m02" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m02_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m03_user_id_idx" ON "platform"."usage_events_y2027m03" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m03_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m04_user_id_idx" ON "platform"."usage_events_y2027m04" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m04_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m05_user_id_idx" ON "platform"."usage_events_y2027m05" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m05_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m06_user_id_idx" ON "platform"."usage_events_y2027m06" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m06_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m07_user_id_idx" ON "platform"."usage_events_y2027m07" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m07_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m08_user_id_idx" ON "platform"."usage_events_y2027m08" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m08_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m09_user_id_idx" ON "platform"."usage_events_y2027m09" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m09_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m10_user_id_idx" ON "platform"."usage_events_y2027m10" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m10_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m11_user_id_idx" ON "platform"."usage_events_y2027m11" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m11_user_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m12_user_id_idx" ON "platform"."usage_events_y2027m12" USING btree ("user_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_user_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m12_user_id_idx";
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "usage_events_api_key_id_idx" ON ONLY "platform"."usage_events" USING btree ("api_key_id");
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_default_api_key_id_idx" ON "platform"."usage_events_default" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_default_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m01_api_key_id_idx" ON "platform"."usage_events_y2026m01" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m01_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m02_api_key_id_idx" ON "platform"."usage_events_y2026m02" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m02_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m03_api_key_id_idx" ON "platform"."usage_events_y2026m03" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m03_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m04_api_key_id_idx" ON "platform"."usage_events_y2026m04" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m04_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m05_api_key_id_idx" ON "platform"."usage_events_y2026m05" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m05_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m06_api_key_id_idx" ON "platform"."usage_events_y2026m06" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m06_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m07_api_key_id_idx" ON "platform"."usage_events_y2026m07" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m07_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m08_api_key_id_idx" ON "platform"."usage_events_y2026m08" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m08_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m09_api_key_id_idx" ON "platform"."usage_events_y2026m09" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m09_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m10_api_key_id_idx" ON "platform"."usage_events_y2026m10" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m10_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m11_api_key_id_idx" ON "platform"."usage_events_y2026m11" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m11_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2026m12_api_key_id_idx" ON "platform"."usage_events_y2026m12" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2026m12_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m01_api_key_id_idx" ON "platform"."usage_events_y2027m01" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m01_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m02_api_key_id_idx" ON "platform"."usage_events_y2027m02" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m02_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m03_api_key_id_idx" ON "platform"."usage_events_y2027m03" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m03_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m04_api_key_id_idx" ON "platform"."usage_events_y2027m04" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m04_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m05_api_key_id_idx" ON "platform"."usage_events_y2027m05" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m05_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m06_api_key_id_idx" ON "platform"."usage_events_y2027m06" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m06_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m07_api_key_id_idx" ON "platform"."usage_events_y2027m07" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m07_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m08_api_key_id_idx" ON "platform"."usage_events_y2027m08" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m08_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m09_api_key_id_idx" ON "platform"."usage_events_y2027m09" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m09_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m10_api_key_id_idx" ON "platform"."usage_events_y2027m10" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m10_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m11_api_key_id_idx" ON "platform"."usage_events_y2027m11" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m11_api_key_id_idx";
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_events_y2027m12_api_key_id_idx" ON "platform"."usage_events_y2027m12" USING btree ("api_key_id");
--> statement-breakpoint
ALTER INDEX "platform"."usage_events_api_key_id_idx" ATTACH PARTITION "platform"."usage_events_y2027m12_api_key_id_idx";
