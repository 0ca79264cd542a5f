// PostgresSchema: the SQL of each schema version of the PostgreSQL engine, applied in order by PostgresMigrator.

import Foundation

/// Each version's DDL. A version, once released, never changes: later needs get a new version.
///
/// Version 1 is the SQLite engine's schema as of its version 8, in PostgreSQL's types: times are `timestamptz`
/// (microseconds), flags `boolean`, counts `bigint`, callback bodies `bytea`; the address ledger's uniqueness is a
/// unique index on `lower(address)`; history rows have an identity column for their order.
enum PostgresSchema {
    static let versions: [(version: Int, name: String, sql: String)] = [
        (1, "jobs, intakes, the address ledger, attempts, callbacks and their deliveries, sync looks, the user token, the leader, Feishu calls", v1),
        (2, "hirebind_intake: a batch of intakes in one statement (group commit)", v2),
    ]

    /// A version's statements, split at the semicolons that end a line, except inside a `$$`-quoted function body.
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var pending = ""
        for piece in sql.components(separatedBy: ";\n") {
            pending += pending.isEmpty ? piece : ";\n" + piece
            // An odd number of `$$` so far: the split fell inside a body, which goes on in the next piece.
            if pending.components(separatedBy: "$$").count % 2 == 0 { continue }
            statements.append(pending)
            pending = ""
        }
        if !pending.isEmpty { statements.append(pending) }
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
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

    /// Version 2: the intake of a batch of events in one statement, so that a replica's concurrent intakes cost one
    /// round trip and one commit together (``PostgresIntakeBatcher``). `batch` is a JSON array of intakes, each with
    /// a `kind` (`bind`, `unbind`, `read`, `refusal`), the job's new id and its fields, times in microseconds since
    /// 2000-01-01 on the database's clock. One row answers each intake, by its 1-based `r_item`:
    ///
    /// - `created`: the job, the intake record and (a bind) the address reservation are written;
    /// - `duplicate`: the event (or, for a bind `unless_bound`, the person's active binding) was there first: its
    ///   receipt, nothing written;
    /// - `address_taken`: the address is someone's: nothing written;
    /// - `unknown_employee`: an unbind of a person with no bind job: nothing written.
    ///
    /// The people of the batch are locked first, in one order, so two replicas' batches wait for each other's
    /// people without deadlocking. An intake runs in the batch's order and sees the ones before it, so the batch
    /// decides duplicates and addresses exactly as one transaction per intake did. Nothing raises for a single
    /// intake (no savepoints, no subtransactions): when another replica takes the same event at the same moment,
    /// the intake's own rows are deleted again and the first's receipt answers.
    static let v2 = """
        CREATE FUNCTION hirebind_intake(batch jsonb)
        RETURNS TABLE (r_item integer, r_outcome text, r_job_id text, r_address text, r_status text)
        LANGUAGE plpgsql AS $$
        DECLARE
            entry jsonb;
            person_key integer;
            new_id text;
            received timestamptz;
            reserved text;
            recorded text;
            target record;
            created integer := 0;
            epoch constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
        BEGIN
            FOR person_key IN
                SELECT DISTINCT hashtext((e->>'source') || chr(31) || (e->>'employee_id')) FROM jsonb_array_elements(batch) AS e
                WHERE e->>'kind' IN ('bind', 'unbind') ORDER BY 1
            LOOP
                PERFORM pg_advisory_xact_lock(\(PostgresMigrator.personLockSpace), person_key);
            END LOOP;

            FOR n IN 1 .. jsonb_array_length(batch) LOOP
                entry := batch -> (n - 1);
                r_item := n;
                r_outcome := NULL; r_job_id := NULL; r_address := NULL; r_status := NULL;
                new_id := entry->>'job_id';
                received := epoch + (entry->>'received_at')::bigint * interval '1 microsecond';

                SELECT jobs.id, jobs.exchange_account, jobs.status INTO r_job_id, r_address, r_status
                FROM intakes JOIN jobs ON jobs.id = intakes.job_id
                WHERE intakes.source = entry->>'source' AND intakes.event_id = entry->>'event_id';
                IF FOUND THEN
                    r_outcome := 'duplicate';
                    RETURN NEXT;
                    CONTINUE;
                END IF;

                IF entry->>'kind' = 'bind' THEN
                    IF (entry->>'unless_bound')::boolean THEN
                        SELECT bind.id, bind.exchange_account, bind.status INTO r_job_id, r_address, r_status FROM jobs AS bind
                        WHERE bind.source = entry->>'source' AND bind.employee_id = entry->>'employee_id' AND bind.kind = 'bind'
                            AND NOT EXISTS (SELECT 1 FROM jobs AS unbind WHERE unbind.kind = 'unbind' AND unbind.target_job_id = bind.id)
                        ORDER BY bind.created_at DESC LIMIT 1;
                        IF FOUND THEN
                            r_outcome := 'duplicate';
                            RETURN NEXT;
                            CONTINUE;
                        END IF;
                    END IF;
                    INSERT INTO jobs (id, source, event_id, employee_id, feishu_user_id, lookup_email, lookup_mobile, exchange_account,
                        admin_account, user_id_type, callback_url, naming_trace, person_name, status, attempts, next_attempt_at, created_at,
                        updated_at)
                    VALUES (new_id, entry->>'source', entry->>'event_id', entry->>'employee_id', entry->>'feishu_user_id',
                        entry->>'lookup_email', entry->>'lookup_mobile', entry->>'exchange_account', entry->>'admin_account',
                        entry->>'user_id_type', entry->>'callback_url', entry->>'naming_trace', entry->>'person_name', 'queued', 0,
                        received, received, received);
                    reserved := NULL;
                    IF entry->>'reclaims' IS NOT NULL THEN
                        UPDATE mailboxes SET job_id = new_id
                        WHERE lower(address) = lower(entry->>'exchange_account') AND job_id = entry->>'reclaims'
                        RETURNING job_id INTO reserved;
                    ELSE
                        INSERT INTO mailboxes (address, job_id, reserved_at) VALUES (entry->>'exchange_account', new_id, received)
                        ON CONFLICT ((lower(address))) DO NOTHING RETURNING job_id INTO reserved;
                    END IF;
                    IF reserved IS NULL THEN
                        DELETE FROM jobs WHERE id = new_id;
                        r_outcome := 'address_taken';
                        r_address := entry->>'exchange_account';
                        RETURN NEXT;
                        CONTINUE;
                    END IF;
                    r_address := entry->>'exchange_account';
                    r_status := 'queued';
                ELSIF entry->>'kind' = 'unbind' THEN
                    SELECT id, exchange_account, admin_account, feishu_user_id, user_id_type, person_name INTO target FROM jobs
                    WHERE source = entry->>'source' AND employee_id = entry->>'employee_id' AND kind = 'bind'
                    ORDER BY created_at DESC LIMIT 1;
                    IF NOT FOUND THEN
                        r_outcome := 'unknown_employee';
                        RETURN NEXT;
                        CONTINUE;
                    END IF;
                    INSERT INTO jobs (id, kind, target_job_id, source, event_id, employee_id, feishu_user_id, exchange_account,
                        admin_account, user_id_type, callback_url, naming_trace, person_name, status, attempts, next_attempt_at,
                        created_at, updated_at)
                    VALUES (new_id, 'unbind', target.id, entry->>'source', entry->>'event_id', entry->>'employee_id',
                        target.feishu_user_id, target.exchange_account, target.admin_account, target.user_id_type,
                        entry->>'callback_url', 'null', target.person_name, 'queued', 0, received, received, received);
                    r_address := target.exchange_account;
                    r_status := 'queued';
                ELSIF entry->>'kind' = 'read' THEN
                    INSERT INTO jobs (id, kind, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account,
                        user_id_type, callback_url, naming_trace, status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES (new_id, 'read_person', entry->>'source', entry->>'event_id', entry->>'employee_id', '', '', '', '',
                        entry->>'callback_url', 'null', 'queued', 0, epoch + (entry->>'not_before')::bigint * interval '1 microsecond',
                        received, received);
                    r_address := '';
                    r_status := 'queued';
                ELSIF entry->>'kind' = 'refusal' THEN
                    INSERT INTO jobs (id, kind, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account,
                        user_id_type, naming_trace, status, attempts, next_attempt_at, last_error, created_at, updated_at)
                    VALUES (new_id, 'refused', entry->>'source', entry->>'event_id', entry->>'employee_id', '', '', '', '', 'null',
                        'failed', 0, received, entry->>'failure', received, received);
                    r_address := '';
                    r_status := 'failed';
                ELSE
                    RAISE EXCEPTION 'hirebind_intake: unknown kind %', entry->>'kind';
                END IF;

                INSERT INTO intakes (source, event_id, job_id, received_at)
                VALUES (entry->>'source', entry->>'event_id', new_id, received)
                ON CONFLICT (source, event_id) DO NOTHING RETURNING job_id INTO recorded;
                IF recorded IS NULL THEN
                    -- Another replica took the same event meanwhile (this insert waited for its commit).
                    IF entry->>'reclaims' IS NOT NULL THEN
                        UPDATE mailboxes SET job_id = entry->>'reclaims' WHERE job_id = new_id;
                    ELSE
                        DELETE FROM mailboxes WHERE job_id = new_id;
                    END IF;
                    DELETE FROM jobs WHERE id = new_id;
                    SELECT jobs.id, jobs.exchange_account, jobs.status INTO r_job_id, r_address, r_status
                    FROM intakes JOIN jobs ON jobs.id = intakes.job_id
                    WHERE intakes.source = entry->>'source' AND intakes.event_id = entry->>'event_id';
                    r_outcome := 'duplicate';
                    RETURN NEXT;
                    CONTINUE;
                END IF;
                created := created + 1;
                r_outcome := 'created';
                r_job_id := new_id;
                RETURN NEXT;
            END LOOP;

            IF created > 0 THEN
                PERFORM pg_notify('\(PostgresJobStore.workChannel)', '\(QueuedWork.jobs.rawValue)');
            END IF;
        END;
        $$
        """
}
