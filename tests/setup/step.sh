#!/usr/bin/env bash
# step.sh NAME COMMAND...: one step of a make target, timed, so that a long compile is never a
# silent wait: prints "== NAME", runs COMMAND, then "== NAME: N s" (or "FAILED after N s",
# with COMMAND's exit status).
name="$1"; shift
start=$SECONDS
echo "== $name"
status=0
"$@" || status=$?
if [ "$status" -eq 0 ]; then
  echo "== $name: $((SECONDS - start)) s"
else
  echo "== $name: FAILED after $((SECONDS - start)) s (exit $status)" >&2
fi
exit "$status"
