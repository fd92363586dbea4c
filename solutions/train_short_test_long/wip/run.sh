#!/bin/bash
# usage: run.sh OUTFILE args... ; appends the JSON line and /usr/bin/time's CPU seconds
out=$1; shift
cd /work/a3
export OPENBLAS_NUM_THREADS=1
res=$( { /usr/bin/time -f "TIME %U user %S sys %e wall" nice -n 19 python exp.py "$@" ; } 2>&1 )
echo "$res" | grep '^{' | sed "s/}\$/, \"time\": \"$(echo "$res" | grep '^TIME' | sed 's/TIME //')\"}/" >> "$out"
echo "$res" | grep -v '^{' | grep -v '^TIME' >&2
