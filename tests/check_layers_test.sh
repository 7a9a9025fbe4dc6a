#!/usr/bin/env bash
# scripts/check_layers.py fails on a deliberately added upward include and on
# a sideways one (compiler -> a hardware module), and passes on the untouched
# copy. Usage: check_layers_test.sh WORK_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$1"
rm -rf "$work"; mkdir -p "$work"
check() { /usr/bin/env python3 "$root/scripts/check_layers.py" --root "$1"; }
copy() {
  rm -rf "$work/$1"; mkdir -p "$work/$1"
  for d in tlm hw compiler sched testbench sc_main; do cp -r "$root/$d" "$work/$1/"; done
}
copy clean
check "$work/clean" >/dev/null || { echo "FAIL: the untouched copy does not pass" >&2; exit 1; }

expect_failure() {  # case, file to change, include to add, what the message must name
  copy "$1"
  printf '#include "%s"\n' "$3" >>"$work/$1/$2"
  if out=$(check "$work/$1" 2>&1); then
    echo "FAIL: $1: an include of $3 from $2 passed" >&2; exit 1
  fi
  grep -q "$2:.*$4" <<<"$out" || { echo "FAIL: $1: the message does not name $2 and $4: $out" >&2; exit 1; }
  echo "caught $1: $(head -1 <<<"$out")"
}
expect_failure hw-includes-sched hw/pe/pe_state.h sched/host.h "hw modules includes sched/host.h (sched)"
expect_failure tlm-includes-hw tlm/register_map.h hw/config/arch_config.h "tlm includes"
expect_failure compiler-includes-module compiler/cost_model.h hw/sequencer/activity.h "compiler includes hw/sequencer/activity.h (hw modules)"
expect_failure contract-includes-module hw/isa/instruction.h hw/datapath/systolic_datapath.h "hw contract includes"
expect_failure sched-includes-testbench sched/host.h testbench/metrics.h "sched includes"
echo "layer check catches every upward include"
