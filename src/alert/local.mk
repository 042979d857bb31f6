# src/alert: alerts made from audit diffs, the durable outbox, and the
# syslog and webhook sinks (issue 7).
