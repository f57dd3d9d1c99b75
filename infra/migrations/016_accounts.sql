-- Who may sign in (issue 11): accounts with their role, the web page's sessions, the scripts' bearer tokens, and the
-- sign-in attempts that throttle guessing and keep the log. infra/account-store.ts and infra/auth/ read and write
-- these; api/auth/authenticate.ts checks a request's credential against them.

-- An account. The id is the sign-in name (lower case letters, digits, . _ -); the role is one of api/auth/account.ts's
-- ROLES; a unit role names its unit, a coordinator its office. The password is stored only as its scrypt hash
-- (infra/auth/passwords.ts, a PHC string that carries its own parameters). A session or token older than
-- password_changed_at no longer counts; a disabled account signs in nowhere and keeps its history.
CREATE TABLE accounts (
  id                  text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  display_name        text        NOT NULL CHECK (btrim(display_name) <> '' AND length(display_name) <= 64),
  role                text        NOT NULL
                                  CHECK (role IN ('admin', 'coordinator', 'unit-head', 'unit-member', 'auditor')),
  unit                text        CHECK (unit IS NULL OR btrim(unit) <> ''),
  office              text        CHECK (office IS NULL OR btrim(office) <> ''),
  password_hash       text        NOT NULL CHECK (password_hash LIKE '$scrypt$%'),
  disabled_at         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT accounts_unit_role_names_unit CHECK (role NOT IN ('unit-head', 'unit-member') OR unit IS NOT NULL),
  CONSTRAINT accounts_coordinator_names_office CHECK (role <> 'coordinator' OR office IS NOT NULL)
);
CREATE INDEX accounts_unit ON accounts (unit) WHERE unit IS NOT NULL;

-- The cycles a coordinator supervises. No foreign key to cycles: a cycle may be granted before it is launched.
CREATE TABLE account_cycles (
  account_id text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  cycle_id   text        NOT NULL CHECK (btrim(cycle_id) <> ''),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, cycle_id)
);

-- The web page's sessions. The cookie carries a random 32-byte id (hex) and its HMAC; only the id's SHA-256 is stored,
-- so a copy of this table signs nobody in. The CSRF token is the one the session's forms must send back.
CREATE TABLE sessions (
  id         text        PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  account_id text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  csrf_token text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE revoked_at IS NULL;

-- Bearer tokens (JWT) as issued: whose each jti is, so that an account revokes only its own; the token itself is
-- never stored.
CREATE TABLE issued_tokens (
  jti        text        PRIMARY KEY,
  account_id text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  issued_at  timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  issued_by  text        NOT NULL
);
CREATE INDEX issued_tokens_account ON issued_tokens (account_id);

-- The revocation list: a token whose jti is here is refused until it would have expired anyway (rows past
-- expires_at may be deleted).
CREATE TABLE revoked_tokens (
  jti        text        PRIMARY KEY,
  account_id text        NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Every sign-in attempt, for throttling (failures per account and per address in the last 15 minutes) and the log.
-- account_id is the name as typed, known account or not. A row is written as a failure before the password is
-- checked and turned into a success after, so two API processes — or two requests at once — never both get a free
-- guess. `throttled` marks an attempt refused unchecked because of earlier failures: it is logged, not counted.
CREATE TABLE sign_in_attempts (
  id         bigserial   PRIMARY KEY,
  account_id text        NOT NULL,
  ip         text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  ok         boolean     NOT NULL DEFAULT false,
  throttled  boolean     NOT NULL DEFAULT false
);
CREATE INDEX sign_in_attempts_account ON sign_in_attempts (account_id, at);
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts (ip, at);
