# Flattens --check-config's nested libconfig text into one line per setting
# named by its whole path, for tests to grep:
#   aws = {            ->  (nothing)
#     region = "x";    ->  aws.region = "x";
#     # ca_bundle is not set               ->  # aws.ca_bundle is not set
#   webhooks = (       ->  alerts.webhooks = (
#     {                ->  (element alerts.webhooks[0])
#       # url is set: a secret, not shown  ->  # alerts.webhooks[0].url is set: ...
# Input it does not recognize is an error (exit 1), so that a layout change
# cannot pass unseen.
function path(leaf) { return depth == 0 ? leaf : prefix[depth] "." leaf }
function push(p) { depth++; prefix[depth] = p; count[depth] = 0; list[depth] = 0 }
BEGIN { depth = 0 }
/^#/ && depth == 0 && !/^# [a-z_]+ is/ { next }          # the header comment
{ sub(/^ +/, "") }
/^[a-z0-9_]+ = \{$/ { push(path($1)); next }
/^[a-z0-9_]+ = \( \);$/ { print path($1) " = ( );"; next }
/^[a-z0-9_]+ = \($/ { print path($1) " = ("; push(path($1)); list[depth] = 1; next }
/^\{$/ && list[depth] { n = count[depth]++; push(prefix[depth] "[" n "]"); next }
/^\},?$/ { depth--; next }
/^\};$/ { depth--; next }
/^\);$/ { list[depth] = 0; depth--; next }
/^[a-z0-9_]+ = .*;$/ { leaf = $1; sub(/^[a-z0-9_]+ = /, ""); print path(leaf) " = " $0; next }
/^# [a-z0-9_]+ is / { leaf = $2; sub(/^# [a-z0-9_]+ /, ""); print "# " path(leaf) " " $0; next }
{ print "conf-flatten: unexpected line: " $0 > "/dev/stderr"; bad = 1; exit 1 }
END { if (!bad && depth != 0) { print "conf-flatten: unbalanced" > "/dev/stderr"; exit 1 } }
