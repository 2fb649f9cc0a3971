"""The store's tables, as an ordered list of migrations.

A database records the highest migration applied in ``schema_version``; opening it applies
the missing ones in one transaction each, so an old file upgrades in place and a file from a
newer barograph is refused rather than damaged. Never edit a released migration: append.

Offsets are named ``start_char``/``end_char`` (``end`` is an SQL keyword); they are Python str
indices into the decoded text of the document named by ``doc_id``.
"""

from __future__ import annotations

from barograph.store import indexes

MIGRATIONS: list[str] = [
    # 1: documents, articles with their appearances, sentences, events
    """
    CREATE TABLE documents (
        doc_id      VARCHAR PRIMARY KEY,   -- sha256 of the raw bytes (record bytes for JSONL/CSV)
        doc         VARCHAR NOT NULL,      -- file base name or record id
        path        VARCHAR,
        kind        VARCHAR NOT NULL,
        encoding    VARCHAR,
        chars       BIGINT,
        corpus      VARCHAR NOT NULL DEFAULT 'default',
        text        VARCHAR,               -- decoded text, so every offset can be shown again
        ingested_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE TABLE articles (
        article_id   VARCHAR PRIMARY KEY,  -- hash of the normalised body
        doc_id       VARCHAR NOT NULL,     -- document of its first appearance
        article_index INTEGER NOT NULL,
        title        VARCHAR,
        outlet       VARCHAR,
        author       VARCHAR,
        date         DATE,
        url          VARCHAR,
        language     VARCHAR,
        start_char   BIGINT,
        end_char     BIGINT,
        body_start   BIGINT,
        body_end     BIGINT,
        duplicate_of VARCHAR,              -- near-duplicate (MinHash) of this article
        corpus       VARCHAR NOT NULL DEFAULT 'default',
        coder        VARCHAR               -- coder version of its stored events, NULL if uncoded
    );
    -- every place an article was seen: the same story reposted counts once, linked many times
    CREATE TABLE appearances (
        article_id    VARCHAR NOT NULL,
        doc_id        VARCHAR NOT NULL,
        article_index INTEGER NOT NULL,
        start_char    BIGINT,
        end_char      BIGINT,
        title         VARCHAR,
        outlet        VARCHAR,
        url           VARCHAR,
        date          DATE,
        PRIMARY KEY (doc_id, article_index)
    );
    CREATE TABLE sentences (
        article_id VARCHAR NOT NULL,
        idx        INTEGER NOT NULL,
        doc_id     VARCHAR NOT NULL,
        start_char BIGINT NOT NULL,
        end_char   BIGINT NOT NULL,
        text       VARCHAR NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE events (
        event_id      VARCHAR PRIMARY KEY,
        origin        VARCHAR NOT NULL DEFAULT 'barograph',  -- barograph | icews | gdelt
        corpus        VARCHAR NOT NULL DEFAULT 'default',
        article_id    VARCHAR,
        doc_id        VARCHAR,
        doc           VARCHAR,
        sentence_idx  INTEGER,
        start_char    BIGINT,
        end_char      BIGINT,
        text          VARCHAR,
        source        VARCHAR,
        source_entity VARCHAR,
        source_sector VARCHAR,
        source_name   VARCHAR,
        target        VARCHAR,
        target_entity VARCHAR,
        target_sector VARCHAR,
        target_name   VARCHAR,
        cameo         VARCHAR NOT NULL,
        root_code     VARCHAR,
        quad_class    TINYINT,
        goldstein     DOUBLE,
        plover        VARCHAR,
        plover_mode   VARCHAR,
        modality      VARCHAR NOT NULL DEFAULT 'asserted',
        date          DATE,
        historical    BOOLEAN DEFAULT FALSE,
        outlet        VARCHAR,
        trigger       VARCHAR,
        confidence    DOUBLE,
        coder         VARCHAR,
        mentions      INTEGER DEFAULT 1    -- articles reporting it (imports carry their own count)
    );
    CREATE INDEX events_dyad ON events (source_entity, target_entity, date);
    CREATE INDEX events_date ON events (date);
    CREATE INDEX events_article ON events (article_id);
    """,
    # 2: what ingest needs across runs: MinHash signatures (near-duplicates found against
    # earlier runs too) and the inputs it rejected (so a run's losses stay visible)
    """
    CREATE TABLE signatures (
        article_id VARCHAR PRIMARY KEY,
        corpus     VARCHAR NOT NULL DEFAULT 'default',
        minhash    BLOB NOT NULL            -- MinHash hash values, little-endian uint64
    );
    CREATE TABLE rejects (
        path        VARCHAR,
        line        INTEGER,
        problem     VARCHAR NOT NULL,
        corpus      VARCHAR NOT NULL DEFAULT 'default',
        rejected_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE INDEX appearances_article ON appearances (article_id);
    """,
    # 3: LSH buckets of the near-duplicate index (barograph.text.dedup_store), so a run's
    # memory does not grow with the number of stories stored; filled from `signatures`
    """
    CREATE TABLE lsh_bands (
        bucket     BIGINT NOT NULL,         -- hash of one band of an original's MinHash
        seq        BIGINT NOT NULL,         -- order the original was indexed in (earliest wins)
        article_id VARCHAR NOT NULL
    );
    """,
    # 4: how coder 1.0 made each event (rules | model | recoded | intent | purpose | lead) and whether each side
    # resolved to a dictionary actor; an unresolved side keeps its words in source_name or
    # target_name, as GDELT and ICEWS keep actor names. NULL for events of earlier coders and
    # imports.
    """
    ALTER TABLE events ADD COLUMN method VARCHAR;
    ALTER TABLE events ADD COLUMN source_resolved BOOLEAN;
    ALTER TABLE events ADD COLUMN target_resolved BOOLEAN;
    """,
    # 5: where an event happened (barograph.events.places; ICEWS City/Country/Latitude/Longitude
    # and GDELT ActionGeo_* on import): place name, country (ISO 3166 alpha-3), coordinates.
    # Existing rows get NULLs: nothing stored changes.
    """
    ALTER TABLE events ADD COLUMN place VARCHAR;
    ALTER TABLE events ADD COLUMN place_country VARCHAR;
    ALTER TABLE events ADD COLUMN latitude DOUBLE;
    ALTER TABLE events ADD COLUMN longitude DOUBLE;
    """,
    # 6: what `barograph follow` remembers between cycles and restarts (barograph.live.state):
    # each source's conditional-request validators and back-off, the items it has read, and the
    # alerts it has already raised (so each is written and posted once)
    """
    CREATE TABLE follow_sources (
        source        VARCHAR PRIMARY KEY,  -- feed, sitemap or page URL, or a folder, as listed
        name          VARCHAR,              -- outlet name given in the list
        kind          VARCHAR,              -- feed | sitemap | page | folder (what it turned out to be)
        etag          VARCHAR,
        last_modified VARCHAR,
        last_read     TIMESTAMP,            -- last time it was asked (ok or not)
        last_ok       TIMESTAMP,
        last_error    VARCHAR,
        failures      INTEGER NOT NULL DEFAULT 0,  -- in a row; sets the back-off
        next_try      TIMESTAMP,
        articles      BIGINT NOT NULL DEFAULT 0    -- new articles it brought in
    );
    CREATE TABLE follow_seen (
        item    VARCHAR PRIMARY KEY,        -- article URL, or file path of a folder source
        source  VARCHAR NOT NULL,
        stamp   VARCHAR,                    -- a file's size and modification time
        status  VARCHAR NOT NULL,           -- stored | failed
        tries   INTEGER NOT NULL DEFAULT 1,
        seen_at TIMESTAMP DEFAULT current_timestamp
    );
    CREATE TABLE follow_alerts (
        alert_key    VARCHAR PRIMARY KEY,   -- source|target|direction|window_start
        source       VARCHAR,
        target       VARCHAR,
        direction    VARCHAR,
        window_start DATE,
        window_end   DATE,
        score        DOUBLE,
        alert        VARCHAR,               -- the alert as JSON, as written to --alerts-out
        raised_at    TIMESTAMP DEFAULT current_timestamp
    );
    """,
    # 7: the dashboard's word index over event sentences and its pre-aggregated dyad series
    # (barograph.store.indexes), filled from the stored events; every writer keeps them in step
    indexes.TABLES + indexes.fill_sql(),
]

LATEST = len(MIGRATIONS)
