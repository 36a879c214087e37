namespace PortVeil.Storage.Migrations;

/// <summary>
/// Every schema version, in order. Append only: a database at version n gets n+1…latest applied at open, each
/// in its own transaction together with its schema_version row.
/// </summary>
/// <remarks>
/// Times are Unix milliseconds in BIGINT columns (incidents keep the verdict's nanoseconds), addresses are
/// canonical text (RFC 5952 for IPv6) with a prefix length, enum values are stored by name, ids made by the
/// producer are canonical UUID text. All of it reads the same in `sqlite3` and `psql`.
/// </remarks>
public static class SchemaMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "bans and incidents", """
            CREATE TABLE bans (
                id {id},
                ban_uid TEXT NOT NULL UNIQUE,
                address TEXT NOT NULL,
                prefix_len INTEGER NOT NULL,
                reason TEXT NOT NULL,
                detector TEXT NULL,
                scan TEXT NOT NULL,
                tool TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                expires_ms BIGINT NOT NULL,
                escalation_level INTEGER NOT NULL,
                origin_host TEXT NOT NULL,
                dry_run BOOLEAN NOT NULL DEFAULT FALSE,
                ended_ms BIGINT NULL,
                end_reason TEXT NULL
            );
            CREATE INDEX ix_bans_target ON bans (address, prefix_len, started_ms);
            CREATE INDEX ix_bans_open ON bans (ended_ms, expires_ms);
            CREATE TABLE incidents (
                id {id},
                incident_uid TEXT NOT NULL UNIQUE,
                decided_at_ns BIGINT NOT NULL,
                source TEXT NOT NULL,
                source_kind INTEGER NOT NULL,
                scan TEXT NOT NULL,
                detector TEXT NOT NULL,
                tool TEXT NOT NULL,
                source_verified BOOLEAN NOT NULL,
                ban_uid TEXT NULL,
                origin_host TEXT NOT NULL,
                evidence TEXT NOT NULL
            );
            CREATE INDEX ix_incidents_time ON incidents (decided_at_ns);
            CREATE INDEX ix_incidents_source ON incidents (source, source_kind, decided_at_ns);
            CREATE INDEX ix_incidents_ban ON incidents (ban_uid);
            """),
        new(2, "per-minute event aggregates", """
            CREATE TABLE event_minutes (
                source TEXT NOT NULL,
                bucket_ms BIGINT NOT NULL,
                protocol INTEGER NOT NULL,
                tag INTEGER NOT NULL,
                packets BIGINT NOT NULL,
                distinct_ports INTEGER NOT NULL,
                first_ms BIGINT NOT NULL,
                last_ms BIGINT NOT NULL,
                PRIMARY KEY (source, bucket_ms, protocol, tag)
            );
            CREATE INDEX ix_event_minutes_bucket ON event_minutes (bucket_ms);
            CREATE INDEX ix_bans_ended ON bans (ended_ms);
            """),
        new(3, "operator allowlist entries", """
            CREATE TABLE allow_entries (
                id {id},
                address TEXT NOT NULL,
                prefix_len INTEGER NOT NULL,
                comment TEXT NULL,
                added_ms BIGINT NOT NULL,
                origin_host TEXT NOT NULL,
                UNIQUE (address, prefix_len)
            );
            """),
        new(4, "fleet imports", """
            CREATE TABLE fleet_imports (
                ban_uid TEXT NOT NULL,
                host TEXT NOT NULL,
                decided_ms BIGINT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NULL,
                PRIMARY KEY (ban_uid, host)
            );
            CREATE INDEX ix_incidents_source_origin ON incidents (source, source_kind, origin_host);
            CREATE INDEX ix_bans_started ON bans (started_ms);
            """),
        // Hosts of a fleet share event_minutes: each host's rows must stay apart (the key gains origin_host) for
        // cross-host correlation, with a sample of the ports so its evidence can name them. Neither database can
        // change a primary key in place the same way, so the table is rebuilt; old rows get origin_host ''.
        new(5, "event origin host and port sample", """
            CREATE TABLE event_minutes_v5 (
                source TEXT NOT NULL,
                bucket_ms BIGINT NOT NULL,
                protocol INTEGER NOT NULL,
                tag INTEGER NOT NULL,
                origin_host TEXT NOT NULL DEFAULT '',
                packets BIGINT NOT NULL,
                distinct_ports INTEGER NOT NULL,
                first_ms BIGINT NOT NULL,
                last_ms BIGINT NOT NULL,
                ports TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (source, bucket_ms, protocol, tag, origin_host)
            );
            INSERT INTO event_minutes_v5 (source, bucket_ms, protocol, tag, packets, distinct_ports, first_ms, last_ms)
                SELECT source, bucket_ms, protocol, tag, packets, distinct_ports, first_ms, last_ms FROM event_minutes;
            DROP TABLE event_minutes;
            ALTER TABLE event_minutes_v5 RENAME TO event_minutes;
            CREATE INDEX ix_event_minutes_bucket ON event_minutes (bucket_ms);
            CREATE INDEX ix_event_minutes_tag_bucket ON event_minutes (tag, bucket_ms, source);
            """),
    ];

    public static int Latest => All[^1].Version;
}
