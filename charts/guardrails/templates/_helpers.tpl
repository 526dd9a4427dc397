{{- define "guardrails.labels" -}}
app.kubernetes.io/name: guardrails
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "guardrails.selector" -}}
app.kubernetes.io/name: guardrails
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
