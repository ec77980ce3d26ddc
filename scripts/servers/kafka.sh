#!/usr/bin/env bash
# Local single-node Apache Kafka 3.9.1 broker (KRaft, combined broker+controller, 127.0.0.1),
# assembled from Maven Central jars. See scripts/servers/README.md.
#
#   kafka.sh fetch                 download the broker classpath into the cache (idempotent)
#   kafka.sh start                 fetch if needed, format storage, start, wait until ready
#   kafka.sh stop                  SIGTERM, SIGKILL after 20 s
#   kafka.sh status                running or not (exit 0 when running)
#   kafka.sh env                   print KAFKA_BROKERS=...
#   kafka.sh perf-producer N [..]  org.apache.kafka.tools.ProducerPerformance, topic perf-test
#   kafka.sh perf-consumer N [..]  org.apache.kafka.tools.ConsumerPerformance, topic perf-test
#
# Env: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093), KAFKA_PARTITIONS (4),
#      KAFKA_KEEP_DATA=1 (keep the log dirs across starts), KAFKA_HEAP_OPTS (-Xms256m -Xmx768m),
#      KAFKA_START_TIMEOUT (120), KAFKA_PERF_TOPIC (perf-test), KAFKA_PERF_RECORD_SIZE (100),
#      SERVERS_CACHE_DIR (<repo>/.cache/servers), SERVERS_RUN_DIR (<repo>/.cache/servers/run).
set -euo pipefail

LOG_NAME=kafka
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_VERSION=3.9.1
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_PARTITIONS="${KAFKA_PARTITIONS:-4}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

SRC_DIR="$SERVERS_DIR/kafka"
KCACHE="$CACHE_DIR/kafka"
LIBS="$KCACHE/libs"
PROBE_DIR="$KCACHE/probe"
MARKER="$KCACHE/.fetched"
RUN_DIR="$RUN_ROOT/kafka"
DATA_DIR="$RUN_DIR/data"
PROPS="$RUN_DIR/server.properties"
LOG_FILE="$RUN_DIR/kafka.log"
PID_FILE="$RUN_DIR/kafka.pid"

fetch_key() {
  # Re-fetch whenever the pom or the probe source changes.
  cat "$SRC_DIR/pom.xml" "$SRC_DIR/ReadyCheck.java" | sha256sum | cut -d' ' -f1
}

cmd_fetch() {
  local key
  key="$(fetch_key)"
  if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$key" ]] && compgen -G "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null; then
    log "cached: $LIBS"
    return 0
  fi
  need mvn java javac
  local t0
  t0="$(now_s)"
  log "fetching Kafka $KAFKA_VERSION runtime from Maven Central into $LIBS"
  rm -rf "$LIBS" "$PROBE_DIR" "$MARKER"
  mkdir -p "$LIBS" "$PROBE_DIR"
  mvn -B -q -Dstyle.color=never -f "$SRC_DIR/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS"
  compgen -G "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null || die "kafka_2.13 jar missing after mvn"
  javac -nowarn -cp "$LIBS/*" -d "$PROBE_DIR" "$SRC_DIR/ReadyCheck.java"
  echo "$key" >"$MARKER"
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $(($(now_s) - t0))s"
}

java_run() {
  # java_run MAIN_CLASS ARGS... with the broker classpath and our log4j config.
  java -Dlog4j.configuration="file:$SRC_DIR/log4j.properties" \
    -cp "$LIBS/*:$PROBE_DIR" "$@"
}

write_props() {
  mkdir -p "$RUN_DIR"
  sed -e "s|@PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@LOG_DIRS@|$DATA_DIR|g" \
    -e "s|@PARTITIONS@|$KAFKA_PARTITIONS|g" \
    -e "s|@OFFSETS_PARTITIONS@|${KAFKA_OFFSETS_PARTITIONS:-4}|g" \
    "$SRC_DIR/server.properties.template" >"$PROPS"
}

wait_ready() {
  local t0="$1" pid left
  pid="$(cat "$PID_FILE")"
  while ! port_open 127.0.0.1 "$KAFKA_PORT"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail_log "$LOG_FILE"
      rm -f "$PID_FILE"
      die "broker exited during startup"
    fi
    if (($(now_s) - t0 >= KAFKA_START_TIMEOUT)); then
      tail_log "$LOG_FILE"
      die "port $KAFKA_PORT not open after ${KAFKA_START_TIMEOUT}s (broker left running, pid $pid; run '$0 stop')"
    fi
    sleep 0.3
  done
  left=$((KAFKA_START_TIMEOUT - ($(now_s) - t0)))
  ((left < 5)) && left=5
  # Port open is not enough: wait until a topic can be created and a record acked (acks=all).
  if ! java_run ReadyCheck "$BOOTSTRAP" "$left" >/dev/null 2>"$RUN_DIR/readycheck.err"; then
    cat "$RUN_DIR/readycheck.err" >&2 || true
    tail_log "$LOG_FILE"
    die "broker not ready after ${KAFKA_START_TIMEOUT}s (left running, pid $pid; run '$0 stop')"
  fi
}

cmd_start() {
  local t0
  cmd_fetch
  need java
  # The start timeout is for the server coming up, not for a first fetch or build before it.
  t0="$(now_s)"
  if pid_alive "$PID_FILE"; then
    log "already running (pid $(cat "$PID_FILE")) on $BOOTSTRAP"
    wait_ready "$t0"
    echo "KAFKA_BROKERS=$BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open 127.0.0.1 "$p" && die "port $p is already in use by another process"
  done
  write_props
  if [[ "${KAFKA_KEEP_DATA:-0}" == "1" && -f "$DATA_DIR/meta.properties" ]]; then
    log "KAFKA_KEEP_DATA=1: keeping $DATA_DIR"
  else
    rm -rf "$DATA_DIR"
    mkdir -p "$DATA_DIR"
    local cluster_id
    cluster_id="$(java_run kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" >"$RUN_DIR/format.log" 2>&1 ||
      { cat "$RUN_DIR/format.log" >&2; die "storage format failed"; }
  fi
  log "starting broker on $BOOTSTRAP (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT), log: $LOG_FILE"
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM flags
  nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$SRC_DIR/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_ready "$t0"
  log "ready in $(($(now_s) - t0))s (pid $(cat "$PID_FILE"))"
  echo "KAFKA_BROKERS=$BOOTSTRAP"
}

cmd_stop() {
  stop_pid kafka "$PID_FILE" 20
}

cmd_status() {
  if pid_alive "$PID_FILE"; then
    if port_open 127.0.0.1 "$KAFKA_PORT"; then
      echo "kafka: running (pid $(cat "$PID_FILE")) on $BOOTSTRAP"
    else
      echo "kafka: process running (pid $(cat "$PID_FILE")) but port $KAFKA_PORT not open"
    fi
    return 0
  fi
  echo "kafka: stopped"
  return 1
}

require_running() {
  pid_alive "$PID_FILE" || die "broker is not running; run '$0 start' first"
  compgen -G "$LIBS/kafka-tools-$KAFKA_VERSION.jar" >/dev/null || die "kafka-tools jar missing; run '$0 fetch'"
}

cmd_perf_producer() {
  local n="${1:?usage: kafka.sh perf-producer N [extra ProducerPerformance args]}"
  shift
  require_running
  java_run org.apache.kafka.tools.ProducerPerformance \
    --topic "${KAFKA_PERF_TOPIC:-perf-test}" --num-records "$n" \
    --record-size "${KAFKA_PERF_RECORD_SIZE:-100}" --throughput -1 \
    --producer-props "bootstrap.servers=$BOOTSTRAP" acks=all "$@"
}

cmd_perf_consumer() {
  local n="${1:?usage: kafka.sh perf-consumer N [extra ConsumerPerformance args]}"
  shift
  require_running
  java_run org.apache.kafka.tools.ConsumerPerformance \
    --bootstrap-server "$BOOTSTRAP" --topic "${KAFKA_PERF_TOPIC:-perf-test}" \
    --messages "$n" --timeout 60000 "$@"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) echo "KAFKA_BROKERS=$BOOTSTRAP" ;;
  perf-producer) shift; cmd_perf_producer "$@" ;;
  perf-consumer) shift; cmd_perf_consumer "$@" ;;
  *)
    echo "usage: $0 fetch|start|stop|status|env|perf-producer N|perf-consumer N" >&2
    exit 2
    ;;
esac
