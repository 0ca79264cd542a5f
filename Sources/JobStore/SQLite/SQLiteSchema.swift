// SQLiteSchema: the SQL of each schema version, applied in order by the store's migrator.

/// Each version's DDL. A version, once released, never changes: later needs get a new version.
enum SQLiteSchema {
    static let v1 = """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            event_id TEXT NOT NULL,
            employee_id TEXT NOT NULL,
            feishu_user_id TEXT NOT NULL,
            exchange_account TEXT NOT NULL,
            admin_account TEXT NOT NULL,
            user_id_type TEXT NOT NULL,
            callback_url TEXT,
            event_json BLOB NOT NULL,
            naming_trace TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            lease_token TEXT,
            lease_expires_at REAL,
            binding_id TEXT,
            sync_status TEXT,
            last_error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE INDEX jobs_due ON jobs(status, next_attempt_at);
        CREATE INDEX jobs_leases ON jobs(status, lease_expires_at);
        CREATE TABLE intakes (
            source TEXT NOT NULL,
            event_id TEXT NOT NULL,
            job_id TEXT NOT NULL REFERENCES jobs(id),
            received_at REAL NOT NULL,
            PRIMARY KEY (source, event_id)
        );
        CREATE TABLE mailboxes (
            address TEXT PRIMARY KEY COLLATE NOCASE,
            job_id TEXT NOT NULL REFERENCES jobs(id),
            reserved_at REAL NOT NULL
        );
        CREATE TABLE job_attempts (
            job_id TEXT NOT NULL REFERENCES jobs(id),
            number INTEGER NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL NOT NULL,
            outcome TEXT NOT NULL,
            failure TEXT,
            log_id TEXT
        );
        CREATE INDEX job_attempts_job ON job_attempts(job_id, number);
        CREATE TABLE callbacks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL REFERENCES jobs(id),
            message_id TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            body BLOB NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            lease_token TEXT,
            lease_expires_at REAL,
            last_error TEXT,
            created_at REAL NOT NULL,
            delivered_at REAL
        );
        CREATE INDEX callbacks_due ON callbacks(status, next_attempt_at);
        CREATE INDEX intakes_received ON intakes(received_at);
        """

    static let v2 = """
        ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'bind';
        ALTER TABLE jobs ADD COLUMN lookup_email TEXT;
        ALTER TABLE jobs ADD COLUMN lookup_mobile TEXT;
        ALTER TABLE jobs ADD COLUMN target_job_id TEXT REFERENCES jobs(id);
        ALTER TABLE jobs ADD COLUMN sync_next_check_at REAL;
        ALTER TABLE jobs ADD COLUMN sync_deadline REAL;
        ALTER TABLE jobs ADD COLUMN sync_checks INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN sync_lease_token TEXT;
        ALTER TABLE jobs ADD COLUMN sync_lease_expires_at REAL;
        CREATE INDEX jobs_sync_due ON jobs(sync_next_check_at) WHERE sync_next_check_at IS NOT NULL;
        CREATE INDEX jobs_employee ON jobs(source, employee_id, kind, created_at);
        CREATE TABLE feishu_user_token (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            access_token TEXT NOT NULL,
            access_expires_at REAL NOT NULL,
            refresh_token TEXT,
            refresh_expires_at REAL,
            scope TEXT,
            generation INTEGER NOT NULL,
            dead_reason TEXT,
            refresh_holder TEXT,
            refresh_held_until REAL,
            updated_at REAL NOT NULL
        );
        """

    static let v3 = "ALTER TABLE jobs ADD COLUMN outcome_unknown INTEGER NOT NULL DEFAULT 0"

    /// The job counts the results it queued (the service numbers its callback messages from it), and the copy
    /// of the event nothing read is dropped.
    static let v4 = """
        ALTER TABLE jobs ADD COLUMN callbacks_queued INTEGER NOT NULL DEFAULT 0;
        UPDATE jobs SET callbacks_queued = (SELECT COUNT(*) FROM callbacks WHERE callbacks.job_id = jobs.id);
        ALTER TABLE jobs DROP COLUMN event_json;
        """

    /// Expired callback leases are found by an index of their own, as expired job leases are.
    static let v5 = "CREATE INDEX callbacks_leases ON callbacks(status, lease_expires_at)"

    /// "Is this binding removed?" (an unbind job targets the bind job) by index: one-binding-per-person checks,
    /// a rehire's former job and the directory reconciliation's list of bound people scanned every job for each
    /// bind job they looked at.
    static let v6 = "CREATE INDEX jobs_target ON jobs(target_job_id) WHERE target_job_id IS NOT NULL"

    /// What the console shows of a person: the name as the event gave it (searchable), every callback delivery
    /// with the receiver's answer, and the binding's sync status each time it was looked at.
    static let v7 = """
        ALTER TABLE jobs ADD COLUMN person_name TEXT;
        CREATE TABLE callback_deliveries (
            callback_id INTEGER NOT NULL REFERENCES callbacks(id) ON DELETE CASCADE,
            attempt INTEGER NOT NULL,
            at REAL NOT NULL,
            delivered INTEGER NOT NULL,
            answer TEXT NOT NULL
        );
        CREATE INDEX callback_deliveries_callback ON callback_deliveries(callback_id);
        CREATE TABLE sync_observations (
            job_id TEXT NOT NULL REFERENCES jobs(id),
            seen_at REAL NOT NULL,
            sync_status TEXT
        );
        CREATE INDEX sync_observations_job ON sync_observations(job_id, seen_at);
        CREATE INDEX job_attempts_started ON job_attempts(started_at);
        """

    /// The replica that runs maintenance (``LeaderElection``): one row with its holder and the claim's expiry.
    static let v8 = """
        CREATE TABLE leader (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            holder TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        """
}
