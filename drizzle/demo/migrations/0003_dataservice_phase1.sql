-- Phase 1 of doc 000 (DataService V2 Sprint-2 Migration Strategy): the six ds_* tables, the document's SQL schema-qualified into "dataservice" (BEGIN/COMMIT dropped: each change set runs in one transaction); constraint names are PostgreSQL's auto-names, as in schema/dataservice.ts.
CREATE SCHEMA "dataservice";
--> statement-breakpoint
-- 1. Create ds_users table
CREATE TABLE IF NOT EXISTS "dataservice"."ds_users" (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(255) UNIQUE NOT NULL,
    display_name VARCHAR(255),
    status VARCHAR(50) NOT NULL DEFAULT 'pending_verification',
    role VARCHAR(50) NOT NULL DEFAULT 'consumer',
    is_ferpa_covered BOOLEAN NOT NULL DEFAULT FALSE,
    ferpa_consent_date TIMESTAMP,
    profile_data JSONB,
    preferences JSONB,
    last_login_at TIMESTAMP,
    login_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    created_by VARCHAR(255),
    updated_by VARCHAR(255),
    is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at TIMESTAMP,
    deleted_by VARCHAR(255)
);
--> statement-breakpoint
-- 2. Create ds_providers table
CREATE TABLE IF NOT EXISTS "dataservice"."ds_providers" (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    segment VARCHAR(50) NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'invited',
    contact_email VARCHAR(255) NOT NULL,
    institutional_domain VARCHAR(255) NOT NULL,
    api_key_hash VARCHAR(255) UNIQUE,
    api_key_prefix VARCHAR(20),
    api_key_created_at TIMESTAMP,
    api_key_last_used_at TIMESTAMP,
    is_ferpa_covered BOOLEAN NOT NULL DEFAULT TRUE,
    dpa_signed BOOLEAN NOT NULL DEFAULT FALSE,
    dpa_signed_date TIMESTAMP,
    contract_start_date TIMESTAMP,
    contract_end_date TIMESTAMP,
    monthly_fee FLOAT NOT NULL DEFAULT 0.0,
    metadata JSONB,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    created_by VARCHAR(255),
    updated_by VARCHAR(255),
    is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at TIMESTAMP,
    deleted_by VARCHAR(255)
);
--> statement-breakpoint
-- 3. Create ds_uploads table
CREATE TABLE IF NOT EXISTS "dataservice"."ds_uploads" (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id UUID NOT NULL REFERENCES "dataservice"."ds_users"(id),
    filename VARCHAR(500) NOT NULL,
    mime_type VARCHAR(100) NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    is_ferpa_covered BOOLEAN NOT NULL DEFAULT FALSE,
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    storage_path VARCHAR(1000),
    checksum_sha256 VARCHAR(64),
    processed_at TIMESTAMP,
    processing_error TEXT,
    metadata JSONB,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    created_by VARCHAR(255),
    updated_by VARCHAR(255),
    is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at TIMESTAMP,
    deleted_by VARCHAR(255)
);
--> statement-breakpoint
-- 4. Create ds_ledgers table
CREATE TABLE IF NOT EXISTS "dataservice"."ds_ledgers" (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    trace_id UUID UNIQUE NOT NULL,
    description TEXT,
    reference_type VARCHAR(100),
    reference_id UUID,
    validated_at TIMESTAMP,
    is_balanced BOOLEAN NOT NULL DEFAULT FALSE,
    metadata JSONB,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    created_by VARCHAR(255),
    updated_by VARCHAR(255),
    is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at TIMESTAMP,
    deleted_by VARCHAR(255)
);
--> statement-breakpoint
-- 5. Create ds_ledger_entries table
CREATE TABLE IF NOT EXISTS "dataservice"."ds_ledger_entries" (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    ledger_id UUID NOT NULL REFERENCES "dataservice"."ds_ledgers"(id) ON DELETE CASCADE,
    account_type VARCHAR(50) NOT NULL,
    account_code VARCHAR(50) NOT NULL,
    account_name VARCHAR(255),
    amount FLOAT NOT NULL,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    description TEXT,
    metadata JSONB,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
--> statement-breakpoint
-- 6. Create ds_events table
CREATE TABLE IF NOT EXISTS "dataservice"."ds_events" (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    event_type VARCHAR(50) NOT NULL,
    user_id UUID REFERENCES "dataservice"."ds_users"(id),
    entity_type VARCHAR(100) NOT NULL,
    entity_id UUID NOT NULL,
    action VARCHAR(50) NOT NULL,
    changes JSONB,
    ip_address VARCHAR(45),
    user_agent VARCHAR(500),
    session_id VARCHAR(100),
    is_ferpa_access BOOLEAN NOT NULL DEFAULT FALSE,
    metadata JSONB,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
