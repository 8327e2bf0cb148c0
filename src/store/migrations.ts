/**
 * Numbered, append-only schema migrations, one text per engine. Never edit
 * one that has shipped: add the next number. Each runs once, in its own
 * transaction; both engines reach the same schema at the same version.
 */
export interface Migration {
  version: number;
  name: string;
  /** SQLite's dialect. */
  sql: string;
  /** PostgreSQL's: BIGINT epoch milliseconds, and a sequence where SQLite orders by rowid. */
  postgres: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'quizzes, answers, scores, class settings, reviews',
    sql: `
      CREATE TABLE quizzes (
        id          TEXT PRIMARY KEY,
        class_id    TEXT NOT NULL,
        platform    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        topic       TEXT NOT NULL,
        question    TEXT NOT NULL,
        choices     TEXT NOT NULL,          -- JSON array of strings
        answer      INTEGER NOT NULL,
        explanation TEXT NOT NULL,
        seed        INTEGER NOT NULL,
        review_of   TEXT,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        closes_at   INTEGER NOT NULL,
        closed_at   INTEGER,
        location    TEXT
      );
      CREATE INDEX quizzes_open ON quizzes (closes_at) WHERE closed_at IS NULL;
      CREATE INDEX quizzes_class ON quizzes (class_id, created_at);

      CREATE TABLE answers (
        quiz_id     TEXT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
        user_id     TEXT NOT NULL,
        user_name   TEXT NOT NULL,
        choice      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        answered_at INTEGER NOT NULL,
        -- One answer per student per quiz, enforced here rather than by a check-then-insert.
        UNIQUE (quiz_id, user_id)
      );

      CREATE TABLE scores (
        class_id        TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        user_name       TEXT NOT NULL,
        points          INTEGER NOT NULL DEFAULT 0,
        answered        INTEGER NOT NULL DEFAULT 0,
        correct         INTEGER NOT NULL DEFAULT 0,
        streak          INTEGER NOT NULL DEFAULT 0,
        best_streak     INTEGER NOT NULL DEFAULT 0,
        last_correct_at INTEGER,
        PRIMARY KEY (class_id, user_id)
      );

      CREATE TABLE class_settings (
        class_id     TEXT PRIMARY KEY,
        quiz_minutes REAL
      );

      CREATE TABLE reviews (
        class_id      TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        root_quiz_id  TEXT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
        due_at        INTEGER NOT NULL,
        after_answers INTEGER NOT NULL,
        PRIMARY KEY (class_id, user_id, root_quiz_id)
      );
    `,
    postgres: `
      CREATE TABLE quizzes (
        id          TEXT PRIMARY KEY,
        class_id    TEXT NOT NULL,
        platform    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        topic       TEXT NOT NULL,
        question    TEXT NOT NULL,
        choices     TEXT NOT NULL,
        answer      INTEGER NOT NULL,
        explanation TEXT NOT NULL,
        seed        BIGINT NOT NULL,
        review_of   TEXT,
        created_by  TEXT NOT NULL,
        created_at  BIGINT NOT NULL,
        closes_at   BIGINT NOT NULL,
        closed_at   BIGINT,
        location    TEXT,
        -- SQLite's rowid: insertion order breaks ties between equal timestamps.
        seq         BIGSERIAL NOT NULL
      );
      CREATE INDEX quizzes_open ON quizzes (closes_at) WHERE closed_at IS NULL;
      CREATE INDEX quizzes_class ON quizzes (class_id, created_at);

      CREATE TABLE answers (
        quiz_id     TEXT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
        user_id     TEXT NOT NULL,
        user_name   TEXT NOT NULL,
        choice      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        answered_at BIGINT NOT NULL,
        seq         BIGSERIAL NOT NULL,
        UNIQUE (quiz_id, user_id)
      );

      CREATE TABLE scores (
        class_id        TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        user_name       TEXT NOT NULL,
        points          INTEGER NOT NULL DEFAULT 0,
        answered        INTEGER NOT NULL DEFAULT 0,
        correct         INTEGER NOT NULL DEFAULT 0,
        streak          INTEGER NOT NULL DEFAULT 0,
        best_streak     INTEGER NOT NULL DEFAULT 0,
        last_correct_at BIGINT,
        PRIMARY KEY (class_id, user_id)
      );

      CREATE TABLE class_settings (
        class_id     TEXT PRIMARY KEY,
        quiz_minutes DOUBLE PRECISION
      );

      CREATE TABLE reviews (
        class_id      TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        root_quiz_id  TEXT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
        due_at        BIGINT NOT NULL,
        after_answers INTEGER NOT NULL,
        PRIMARY KEY (class_id, user_id, root_quiz_id)
      );
    `,
  },
  {
    version: 2,
    name: 'per-user command cooldowns, shared by every instance',
    sql: `
      CREATE TABLE cooldowns (
        key   TEXT PRIMARY KEY,
        until INTEGER NOT NULL
      );
    `,
    postgres: `
      CREATE TABLE cooldowns (
        key   TEXT PRIMARY KEY,
        until BIGINT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'Slack installations (tokens sealed), spent OAuth states, TAs named per class',
    sql: `
      CREATE TABLE slack_installations (
        install_key           TEXT PRIMARY KEY,  -- team:T, or org:E for an org-wide install
        enterprise_id         TEXT,
        team_id               TEXT,
        is_enterprise_install INTEGER NOT NULL,
        team_name             TEXT,
        enterprise_name       TEXT,
        app_id                TEXT,
        bot_id                TEXT NOT NULL,
        bot_user_id           TEXT NOT NULL,
        bot_scopes            TEXT NOT NULL,     -- JSON array
        installer_user_id     TEXT NOT NULL,
        -- The tokens, AES-256-GCM under GRADBOT_SECRET_KEY and bound to install_key: never in the clear.
        sealed_secrets        TEXT NOT NULL,
        installed_at          INTEGER NOT NULL
      );

      CREATE TABLE oauth_states (
        id         TEXT PRIMARY KEY,             -- SHA-256 of a spent state value
        expires_at INTEGER NOT NULL
      );

      CREATE TABLE class_tas (
        class_id TEXT NOT NULL,
        user_id  TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (class_id, user_id)
      );
    `,
    postgres: `
      CREATE TABLE slack_installations (
        install_key           TEXT PRIMARY KEY,
        enterprise_id         TEXT,
        team_id               TEXT,
        is_enterprise_install INTEGER NOT NULL,
        team_name             TEXT,
        enterprise_name       TEXT,
        app_id                TEXT,
        bot_id                TEXT NOT NULL,
        bot_user_id           TEXT NOT NULL,
        bot_scopes            TEXT NOT NULL,
        installer_user_id     TEXT NOT NULL,
        sealed_secrets        TEXT NOT NULL,
        installed_at          BIGINT NOT NULL
      );

      CREATE TABLE oauth_states (
        id         TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );

      CREATE TABLE class_tas (
        class_id TEXT NOT NULL,
        user_id  TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at BIGINT NOT NULL,
        PRIMARY KEY (class_id, user_id)
      );
    `,
  },
  {
    version: 4,
    name: 'who closed each quiz, so a retried close recognises its own',
    // closed_by holds the closing instance's token for that quiz. A close whose
    // COMMIT was lost on the wire is retried with the same token: finding its
    // own token there, the retry knows it won and posts the summary.
    sql: `
      ALTER TABLE quizzes ADD COLUMN closed_by TEXT;
    `,
    postgres: `
      ALTER TABLE quizzes ADD COLUMN closed_by TEXT;
    `,
  },
];

export const SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));
