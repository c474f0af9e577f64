-- Rollback of 0015_risk_v1 (doc 001 v1 baseline, ported from SQLite): drops the 13 v1 indexes and the nine v1 tables in reverse order, then the risk schema.
DROP INDEX "risk"."idx_trade_history_timestamp";
--> statement-breakpoint
DROP INDEX "risk"."idx_trade_history_account_time";
--> statement-breakpoint
DROP INDEX "risk"."idx_positions_contract";
--> statement-breakpoint
DROP INDEX "risk"."idx_positions_account";
--> statement-breakpoint
DROP INDEX "risk"."idx_orders_state";
--> statement-breakpoint
DROP INDEX "risk"."idx_orders_contract";
--> statement-breakpoint
DROP INDEX "risk"."idx_orders_account";
--> statement-breakpoint
DROP INDEX "risk"."idx_lockouts_until";
--> statement-breakpoint
DROP INDEX "risk"."idx_enforcement_timestamp";
--> statement-breakpoint
DROP INDEX "risk"."idx_enforcement_rule";
--> statement-breakpoint
DROP INDEX "risk"."idx_enforcement_account";
--> statement-breakpoint
DROP INDEX "risk"."idx_daily_pnl_date";
--> statement-breakpoint
DROP INDEX "risk"."idx_contract_cache_symbol";
--> statement-breakpoint
DROP TABLE "risk"."trade_history";
--> statement-breakpoint
DROP TABLE "risk"."session_state";
--> statement-breakpoint
DROP TABLE "risk"."reset_schedule";
--> statement-breakpoint
DROP TABLE "risk"."positions";
--> statement-breakpoint
DROP TABLE "risk"."orders";
--> statement-breakpoint
DROP TABLE "risk"."lockouts";
--> statement-breakpoint
DROP TABLE "risk"."enforcement_log";
--> statement-breakpoint
DROP TABLE "risk"."daily_pnl";
--> statement-breakpoint
DROP TABLE "risk"."contract_cache";
--> statement-breakpoint
DROP SCHEMA "risk";
