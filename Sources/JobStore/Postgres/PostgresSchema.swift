// PostgresSchema: the SQL of each schema version of the PostgreSQL engine, applied in order by PostgresMigrator.

import Foundation

/// Each version's DDL. A version, once released, never changes: later needs get a new version.
///
/// Version 1 is the SQLite engine's schema as of its version 8, in PostgreSQL's types: times are `timestamptz`
/// (microseconds), flags `boolean`, counts `bigint`, callback bodies `bytea`; the address ledger's uniqueness is a
/// unique index on `lower(address)`; history rows have an identity column for their order.
enum PostgresSchema {
    static let versions: [(version: Int, name: String, sql: String)] = [
        (1, "jobs, intakes, the address ledger, attempts, callbacks and their deliveries, sync looks, the user token, the leader, Feishu calls", v1)
    ]

    /// A version's statements, split at the semicolons that end a line.
    static func statements(of sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    static let v1 = """
        CREATE TABLE jobs (
            id text PRIMARY KEY,
            kind text NOT NULL DEFAULT 'bind',
            source text NOT NULL,
            event_id text NOT NULL,
            employee_id text NOT NULL,
            feishu_user_id text NOT NULL,
            lookup_email text,
            lookup_mobile text,
            exchange_account text NOT NULL,
            admin_account text NOT NULL,
            user_id_type text NOT NULL,
            callback_url text,
            naming_trace text NOT NULL,
            person_name text,
            status text NOT NULL,
            attempts bigint NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL,
            lease_token text,
            lease_expires_at timestamptz,
            binding_id text,
            sync_status text,
            last_error text,
            target_job_id text REFERENCES jobs(id),
            sync_next_check_at timestamptz,
            sync_deadline timestamptz,
            sync_checks bigint NOT NULL DEFAULT 0,
            sync_lease_token text,
            sync_lease_expires_at timestamptz,
            outcome_unknown boolean NOT NULL DEFAULT false,
            callbacks_queued bigint NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX jobs_due ON jobs (next_attempt_at) WHERE status = 'queued';
        CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE status = 'running';
        CREATE INDEX jobs_sync_due ON jobs (sync_next_check_at) WHERE sync_next_check_at IS NOT NULL;
        CREATE INDEX jobs_employee ON jobs (source, employee_id, kind, created_at);
        CREATE INDEX jobs_target ON jobs (target_job_id) WHERE target_job_id IS NOT NULL;
        CREATE INDEX jobs_status_created ON jobs (status, created_at);
        CREATE INDEX jobs_created ON jobs (created_at);

        CREATE TABLE intakes (
            source text NOT NULL,
            event_id text NOT NULL,
            job_id text NOT NULL REFERENCES jobs(id),
            received_at timestamptz NOT NULL,
            PRIMARY KEY (source, event_id)
        );
        CREATE INDEX intakes_received ON intakes (received_at);
        CREATE INDEX intakes_job ON intakes (job_id);

        CREATE TABLE mailboxes (
            address text NOT NULL,
            job_id text NOT NULL REFERENCES jobs(id),
            reserved_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX mailboxes_address ON mailboxes (lower(address));

        CREATE TABLE job_attempts (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            job_id text NOT NULL REFERENCES jobs(id),
            number bigint NOT NULL,
            started_at timestamptz NOT NULL,
            finished_at timestamptz NOT NULL,
            outcome text NOT NULL,
            failure text,
            log_id text
        );
        CREATE INDEX job_attempts_job ON job_attempts (job_id, id);
        CREATE INDEX job_attempts_started ON job_attempts (started_at);

        CREATE TABLE callbacks (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            job_id text NOT NULL REFERENCES jobs(id),
            message_id text NOT NULL UNIQUE,
            url text NOT NULL,
            body bytea NOT NULL,
            status text NOT NULL,
            attempts bigint NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL,
            lease_token text,
            lease_expires_at timestamptz,
            last_error text,
            created_at timestamptz NOT NULL,
            delivered_at timestamptz
        );
        CREATE INDEX callbacks_due ON callbacks (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX callbacks_leases ON callbacks (lease_expires_at) WHERE status = 'delivering';
        CREATE INDEX callbacks_job ON callbacks (job_id, id);
        CREATE INDEX callbacks_finished ON callbacks (created_at) WHERE status IN ('delivered', 'dead');

        CREATE TABLE callback_deliveries (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            callback_id bigint NOT NULL REFERENCES callbacks(id) ON DELETE CASCADE,
            attempt bigint NOT NULL,
            at timestamptz NOT NULL,
            delivered boolean NOT NULL,
            answer text NOT NULL
        );
        CREATE INDEX callback_deliveries_callback ON callback_deliveries (callback_id, id);

        CREATE TABLE sync_observations (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            job_id text NOT NULL REFERENCES jobs(id),
            seen_at timestamptz NOT NULL,
            sync_status text
        );
        CREATE INDEX sync_observations_job ON sync_observations (job_id, seen_at);
        CREATE INDEX sync_observations_seen ON sync_observations (seen_at);

        CREATE TABLE feishu_user_token (
            id bigint PRIMARY KEY CHECK (id = 1),
            access_token text NOT NULL,
            access_expires_at timestamptz NOT NULL,
            refresh_token text,
            refresh_expires_at timestamptz,
            scope text,
            generation bigint NOT NULL,
            dead_reason text,
            refresh_holder text,
            refresh_held_until timestamptz,
            updated_at timestamptz NOT NULL
        );

        CREATE TABLE feishu_calls (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            method text NOT NULL,
            started_at timestamptz NOT NULL,
            answered_at timestamptz
        );
        CREATE INDEX feishu_calls_method ON feishu_calls (method, started_at);

        CREATE TABLE leader (
            id bigint PRIMARY KEY CHECK (id = 1),
            holder text NOT NULL,
            expires_at timestamptz NOT NULL
        );
        """
}
