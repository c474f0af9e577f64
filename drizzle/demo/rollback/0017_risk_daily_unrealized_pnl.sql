-- Rollback of 0017_risk_daily_unrealized_pnl (doc 001 v2 Phase 3, optional): drops its two indexes and the daily_unrealized_pnl table in reverse order (IF EXISTS, mirroring the forward IF NOT EXISTS).
DROP INDEX IF EXISTS "risk"."idx_daily_unrealized_pnl_account_date";
--> statement-breakpoint
DROP INDEX IF EXISTS "risk"."idx_daily_unrealized_pnl_date";
--> statement-breakpoint
DROP TABLE IF EXISTS "risk"."daily_unrealized_pnl";
