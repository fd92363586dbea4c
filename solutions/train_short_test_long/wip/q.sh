#!/bin/bash
# usage: q.sh OUT CORETYPE(default|Haswell) -- then lines of args on stdin; runs them one after another
out=$1; core=$2
cd "$(dirname "$0")"
export OPENBLAS_NUM_THREADS=1
[ "$core" != default ] && export OPENBLAS_CORETYPE=$core
while read -r line; do
  [ -z "$line" ] && continue
  nice -n 19 python ckpt_run.py $line >> "$out" 2>> "$out.err"
done
