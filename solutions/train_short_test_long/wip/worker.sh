#!/bin/bash
# Scratch worker: q.sh QUEUEFILE OUT CORETYPE(default|Haswell); pops the first line of QUEUEFILE
# (ckpt_run.py arguments) until it is empty; appends the JSON lines to OUT.
queue=$1; out=$2; core=$3
cd "$(dirname "$0")"
export OPENBLAS_NUM_THREADS=1
[ "$core" != default ] && export OPENBLAS_CORETYPE=$core
while true; do
  line=$(flock "$queue" -c "head -1 '$queue'; sed -i 1d '$queue'")
  [ -z "$line" ] && break
  nice -n 19 python ckpt_run.py $line >> "$out" 2>> "$out.err"
done
