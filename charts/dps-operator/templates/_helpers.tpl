{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "dps-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's resources: <release>-<chart>, or <release> when it already contains the chart name. */}}
{{- define "dps-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart label value: <name>-<version>. */}}
{{- define "dps-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels selecting the operator pods. */}}
{{- define "dps-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dps-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Labels on every resource; component is set by each template. */}}
{{- define "dps-operator.labels" -}}
helm.sh/chart: {{ include "dps-operator.chart" . }}
app.kubernetes.io/name: {{ include "dps-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dps-operator
{{- end }}

{{/* The operator's ServiceAccount. */}}
{{- define "dps-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dps-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Operator image reference: repository@digest when a digest is set, else repository:tag. */}}
{{- define "dps-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The plural resource names of this project's kinds, space-separated. RBAC (the
operator's rules and the view/edit ClusterRoles) iterates over this list: a new
kind is one more entry here.
*/}}
{{- define "dps-operator.resources" -}}
individualenrollments enrollmentgroups dpsconnections
{{- end }}

{{/*
The resources above as a JSON list, each with a suffix (e.g. "/status"):
include "dps-operator.resourceList" (dict "root" $ "suffix" "/status")
*/}}
{{- define "dps-operator.resourceList" -}}
{{- $out := list }}
{{- range (include "dps-operator.resources" .root | splitList " ") }}
{{- $out = append $out (printf "%s%s" . $.suffix) }}
{{- end }}
{{- toJson $out }}
{{- end }}

{{/*
Whether an object of a Prometheus Operator kind is rendered: asked for, and
either its CRD is served or skipWhenCrdAbsent is off.
include "dps-operator.monitoringEnabled" (dict "root" $ "values" .Values.metrics.serviceMonitor "kind" "ServiceMonitor")
*/}}
{{- define "dps-operator.monitoringEnabled" -}}
{{- if .values.enabled }}
{{- if or (not .values.skipWhenCrdAbsent) (.root.Capabilities.APIVersions.Has (printf "monitoring.coreos.com/v1/%s" .kind)) }}true{{ end }}
{{- end }}
{{- end }}

{{/* "true" when leader election is on: asked for, or forced by more than one replica. */}}
{{- define "dps-operator.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ else }}false{{ end }}
{{- end }}

{{/* Whether a CA bundle is mounted. */}}
{{- define "dps-operator.caBundleEnabled" -}}
{{- if or .Values.dps.caBundle.configMapName .Values.dps.caBundle.secretName }}true{{ end }}
{{- end }}

{{/* Where the CA bundle is mounted (directory) and the file inside it. */}}
{{- define "dps-operator.caBundleDir" -}}/etc/dps-operator/ca{{- end }}
{{- define "dps-operator.caBundleFile" -}}{{ include "dps-operator.caBundleDir" . }}/ca-bundle.pem{{- end }}

{{/*
Rules for what the operator does in a watched namespace; shared by the
ClusterRole (all namespaces) and the per-namespace Roles.
*/}}
{{- define "dps-operator.watchRules" -}}
# This project's kinds. No create/delete: users own them; the operator reconciles
# them and adds or removes its finalizer.
- apiGroups: ["dpsoperator.io"]
  resources: {{ include "dps-operator.resourceList" (dict "root" . "suffix" "") }}
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["dpsoperator.io"]
  resources: {{ include "dps-operator.resourceList" (dict "root" . "suffix" "/status") }}
  verbs: ["update", "patch"]
- apiGroups: ["dpsoperator.io"]
  resources: {{ include "dps-operator.resourceList" (dict "root" . "suffix" "/finalizers") }}
  verbs: ["update"]
# Secrets: read referenced keys, certificates and connection strings (list/watch:
# one watch per kind and namespace, keeping only the metadata of Secrets no
# resource refers to); write the
# Secret of generated symmetric keys (owned by the resource, so garbage
# collection deletes it: no delete verb).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "patch"]
# ConfigMaps: TPM endorsement keys. Read only.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "create", "patch"]
{{- end }}

{{/* Labels and annotations added to each CRD's metadata (indented for it). */}}
{{- define "dps-operator.crdMetadata" -}}
{{- if .Values.crds.keep }}
  annotations:
    # helm uninstall (or crds.enabled=false) leaves the CRDs, and with them every enrollment.
    helm.sh/resource-policy: keep
{{- end }}
  labels:
    {{- include "dps-operator.labels" . | nindent 4 }}
    app.kubernetes.io/component: crds
{{- end }}

{{/*
The cluster-wide rules of cluster-wide mode: ClusterDpsConnections, and the
labels of namespaces for their namespaceSelector.
*/}}
{{- define "dps-operator.clusterRules" -}}
- apiGroups: ["dpsoperator.io"]
  resources: ["clusterdpsconnections"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["dpsoperator.io"]
  resources: ["clusterdpsconnections/status"]
  verbs: ["update", "patch"]
- apiGroups: ["dpsoperator.io"]
  resources: ["clusterdpsconnections/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["get", "list", "watch"]
{{- end }}
