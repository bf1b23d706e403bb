#!/bin/sh
# Creates the project's Kafka topics (protocol/kafka.ts) on the compose file's 3-node cluster before
# any backend process starts: replication factor 3, min.insync.replicas 2, and at least 6
# partitions (the backend itself would create missing topics with replication 1). Existing topics
# are left as they are. test/unit/deploy/compose.test.ts checks this list against protocol/kafka.ts.
set -eu
BOOTSTRAP="${BOOTSTRAP:-kafka-1:19092}"
TOPICS_BIN="${TOPICS_BIN:-/opt/kafka/bin/kafka-topics.sh}"
while read -r name partitions policy retention; do
  [ -n "$name" ] || continue
  set -- --config "cleanup.policy=$policy" --config min.insync.replicas=2
  [ "$retention" = "-" ] || set -- "$@" --config "retention.ms=$retention"
  "$TOPICS_BIN" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor 3 "$@"
done <<'TOPICS'
telemetry 12 delete 86400000
vehicle-status 6 compact -
vehicle-events 6 delete 604800000
commands 6 delete 86400000
command-status 6 compact -
command-results 6 delete 604800000
command-audit 6 delete 2592000000
geofences 6 compact -
geofence-events 6 delete 604800000
geofencing-state 12 compact -
traffic 6 delete 86400000
jams 6 delete 604800000
warnings 6 delete 86400000
deadletter 6 delete 604800000
TOPICS
echo "topics ready on $BOOTSTRAP"
