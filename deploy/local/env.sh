# Shared settings of the local infrastructure scripts: paths and ports.
# Every port can be overridden from the environment; the defaults sit away from the
# standard ports (9092, 5432, 6379) so a machine's own servers are never disturbed.
MIA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MIA_LOCAL="${MIA_LOCAL:-$MIA_ROOT/.local}"
MIA_KAFKA_PORT="${MIA_KAFKA_PORT:-19092}"
MIA_KAFKA_CONTROLLER_PORT="${MIA_KAFKA_CONTROLLER_PORT:-19093}"
MIA_POSTGRES_PORT="${MIA_POSTGRES_PORT:-15432}"
MIA_REDIS_PORT="${MIA_REDIS_PORT:-16379}"
MIA_PG_VERSION="${MIA_PG_VERSION:-15}"
MIA_PG_BIN="/usr/lib/postgresql/$MIA_PG_VERSION/bin"
# PostgreSQL refuses to run as root; when we are root the cluster belongs to this user.
MIA_PG_SERVICE_USER="${MIA_PG_SERVICE_USER:-mia-postgres}"
MIA_UV_VERSION="0.13.8"
export MIA_ROOT MIA_LOCAL MIA_KAFKA_PORT MIA_KAFKA_CONTROLLER_PORT MIA_POSTGRES_PORT \
  MIA_REDIS_PORT MIA_PG_VERSION MIA_PG_BIN MIA_PG_SERVICE_USER MIA_UV_VERSION
export MIA_KAFKA_BOOTSTRAP_SERVERS="${MIA_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$MIA_KAFKA_PORT}"
export MIA_REDIS_URL="${MIA_REDIS_URL:-redis://127.0.0.1:$MIA_REDIS_PORT/0}"
export MIA_POSTGRES_HOST="${MIA_POSTGRES_HOST:-127.0.0.1}"
export UV_PYTHON_DOWNLOADS=never

log() { printf '\033[1m[local]\033[0m %s\n' "$*" >&2; }
die() { printf '[local] error: %s\n' "$*" >&2; exit 1; }

# as_root CMD...: run CMD with root rights (directly when we are root, else through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
# apt_install PKG...: install Debian packages that are missing, updating the lists once.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    # Status, not mere presence: a removed package keeps a "config-files" record.
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "installing ${missing[*]} from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# port_open PORT: true when something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for DESCRIPTION SECONDS CMD...: retry CMD until it succeeds or the deadline passes.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -ge $deadline ] && die "$what not ready after ${seconds}s"
    sleep 0.2
  done
}

# pid_alive FILE: true when FILE holds the pid of a running process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
