#!/usr/bin/env bash
# Apache Kafka in KRaft mode, single node, from its jars on Maven Central.
# usage: kafka.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/env.sh"

# MIA_KAFKA_HOME lets a test run a second, throw-away broker beside the main one.
KAFKA_HOME="${MIA_KAFKA_HOME:-$MIA_LOCAL/kafka}"
LIBS="$MIA_LOCAL/kafka-libs"
DATA="$KAFKA_HOME/data"
PIDFILE="$KAFKA_HOME/kafka.pid"
POM="$MIA_ROOT/deploy/local/kafka/pom.xml"

fetch_jars() {
  local stamp="$LIBS/.pom-sha256" want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  log "fetching Kafka jars from Maven Central"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -q -B -f "$POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$MIA_LOCAL/kafka-mvn.log" 2>&1 \
    || { cat "$MIA_LOCAL/kafka-mvn.log" >&2; die "could not fetch Kafka jars"; }
  echo "$want" >"$stamp"
}

write_config() {
  cat >"$KAFKA_HOME/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$MIA_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$MIA_KAFKA_PORT,CONTROLLER://127.0.0.1:$MIA_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$MIA_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Topics come from the registry in libs/common, never from a typo in a producer.
auto.create.topics.enable=false
# Without this every new consumer group waits 3 s before its first assignment.
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=67108864
PROPS
}

start() {
  mkdir -p "$KAFKA_HOME/logs" "$MIA_LOCAL"
  if pid_alive "$PIDFILE"; then log "kafka already running on $MIA_KAFKA_PORT"; return 0; fi
  port_open "$MIA_KAFKA_PORT" && die "port $MIA_KAFKA_PORT is taken by another program (set MIA_KAFKA_PORT)"
  fetch_jars
  write_config
  local cp="$LIBS/*"
  if [ ! -f "$DATA/meta.properties" ]; then
    local cluster_id
    # As Kafka's own Uuid.randomUuid: an id starting with "-" reads as an option to the
    # storage tool, which then refuses to format (one start in 64 failed so).
    cluster_id="$(python3 -c 'import base64,uuid
while (i := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"): pass
print(i)')"
    java -cp "$cp" -Dlog4j2.configurationFile="$MIA_ROOT/deploy/local/kafka/log4j2.yaml" \
      -Dkafka.logs.dir="$KAFKA_HOME/logs" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$KAFKA_HOME/server.properties" >"$KAFKA_HOME/logs/format.log" 2>&1 \
      || { cat "$KAFKA_HOME/logs/format.log" >&2; die "could not format Kafka storage"; }
  fi
  log "starting kafka on 127.0.0.1:$MIA_KAFKA_PORT"
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$MIA_ROOT/deploy/local/kafka/log4j2.yaml" \
    -Dkafka.logs.dir="$KAFKA_HOME/logs" \
    -cp "$cp" kafka.Kafka "$KAFKA_HOME/server.properties" \
    >"$KAFKA_HOME/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_for kafka 90 port_open "$MIA_KAFKA_PORT" || true
  pid_alive "$PIDFILE" || { tail -20 "$KAFKA_HOME/logs/stdout.log" >&2; die "kafka exited"; }
}

stop() {
  if pid_alive "$PIDFILE"; then
    local pid; pid="$(cat "$PIDFILE")"
    log "stopping kafka ($pid)"
    kill "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then kill -9 "$pid" 2>/dev/null || true; fi
      sleep 0.2
    done
  fi
  rm -f "$PIDFILE"
}

status() { pid_alive "$PIDFILE" && echo "kafka: running on $MIA_KAFKA_PORT" || echo "kafka: stopped"; }

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
