{{/* Names and labels shared by every template. */}}
{{- define "v2x.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "v2x.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "v2x.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ include "v2x.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "edge") */}}
{{- define "v2x.selectorLabels" -}}
app.kubernetes.io/name: {{ include "v2x.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "v2x.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "v2x.configSecret" -}}
{{- default (printf "%s-config" (include "v2x.fullname" .)) .Values.config.existingSecret -}}
{{- end -}}

{{/* Kafka bootstrap servers: the Strimzi cluster's bootstrap Service, or the external list. */}}
{{- define "v2x.kafkaBrokers" -}}
{{- if .Values.kafka.create -}}
{{- printf "%s-kafka-bootstrap.%s.svc:9092" (include "v2x.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required when kafka.create is false" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "v2x.redisUrl" -}}
{{- if .Values.redis.create -}}
{{- printf "redis://%s-redis.%s.svc:6379" (include "v2x.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- .Values.redis.url -}}
{{- end -}}
{{- end -}}

{{/* Every edge's broker by its stable StatefulSet name: the command services' downlink list. */}}
{{- define "v2x.edgeUrls" -}}
{{- $full := include "v2x.fullname" . -}}
{{- $urls := list -}}
{{- range $i := until (int .Values.edge.replicas) -}}
{{- $urls = append $urls (printf "mqtt://%s-edge-%d.%s-edge-headless.%s.svc:%d" $full $i $full $.Release.Namespace (int $.Values.edge.ports.mqtt)) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{/* The environment every v2x backend process gets. */}}
{{- define "v2x.commonEnv" -}}
- name: V2X_CONFIG
  value: /etc/v2x/config.yaml
- name: KAFKA_BROKERS
  value: {{ include "v2x.kafkaBrokers" . | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: V2X_BACKEND__HTTP_PORT
  value: {{ .Values.httpPort | quote }}
- name: V2X_BRIDGE__TOPIC_PREFIX
  value: {{ .Values.kafka.topicPrefix | quote }}
- name: V2X_SIM__SEED
  value: {{ .Values.fleet.seed | quote }}
- name: V2X_SIM__CITY
  value: {{ .Values.fleet.city | quote }}
{{- end -}}

{{/* Pod annotations: Prometheus scraping of /metrics on the HTTP port, and a restart on config change. */}}
{{- define "v2x.podAnnotations" -}}
{{- $a := dict -}}
{{- if .Values.metrics.scrapeAnnotations -}}
{{- $_ := set $a "prometheus.io/scrape" "true" -}}
{{- $_ := set $a "prometheus.io/port" (toString .Values.httpPort) -}}
{{- $_ := set $a "prometheus.io/path" "/metrics" -}}
{{- end -}}
{{- if not .Values.config.existingSecret -}}
{{- $_ := set $a "checksum/config" (include (print .Template.BasePath "/config-secret.yaml") . | sha256sum) -}}
{{- end -}}
{{- toYaml $a -}}
{{- end -}}

{{- define "v2x.probes" -}}
startupProbe:
  httpGet: { path: /health, port: http }
  periodSeconds: 5
  failureThreshold: {{ .Values.probes.startupFailureThreshold }}
readinessProbe:
  httpGet: { path: /health, port: http }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
livenessProbe:
  httpGet: { path: /health, port: http }
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: {{ .Values.probes.livenessFailureThreshold }}
{{- end -}}

{{- define "v2x.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "v2x.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end -}}

{{- define "v2x.volumes" -}}
- name: config
  secret:
    secretName: {{ include "v2x.configSecret" . }}
- name: tmp
  emptyDir: {}
{{- end -}}

{{- define "v2x.volumeMounts" -}}
- name: config
  mountPath: /etc/v2x
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
Waits until every topic of kafka.topics.list exists before v2x starts: v2x creates a missing topic
itself with replication factor 1, which must not win the race against Strimzi's Topic Operator.
*/}}
{{- define "v2x.initContainers" -}}
{{- if .Values.kafka.waitForTopics.enabled }}
{{- $names := list -}}
{{- range $id, $t := .Values.kafka.topics.list -}}
{{- $names = append $names (printf "%s%s" $.Values.kafka.topicPrefix $t.name) -}}
{{- end }}
initContainers:
  - name: wait-for-topics
    image: {{ .Values.kafka.waitForTopics.image }}
    command:
      - /bin/sh
      - -c
      - |
        have_all() {
          topics=$(/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$KAFKA_BROKERS" --list 2>/dev/null) || { echo "Kafka not reachable yet"; return 1; }
          for t in $WANT; do printf '%s\n' "$topics" | grep -qx "$t" || { echo "waiting for topic $t"; return 1; }; done
        }
        until have_all; do sleep 5; done
    env:
      - name: KAFKA_BROKERS
        value: {{ include "v2x.kafkaBrokers" . | quote }}
      - name: WANT
        value: {{ join " " (sortAlpha $names) | quote }}
      # the Kafka scripts' log folder, on the writable /tmp
      - name: LOG_DIR
        value: /tmp/kafka-logs
    resources:
      {{- toYaml .Values.kafka.waitForTopics.resources | nindent 6 }}
    securityContext:
      {{- include "v2x.containerSecurityContext" . | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
{{- end }}
{{- end -}}
