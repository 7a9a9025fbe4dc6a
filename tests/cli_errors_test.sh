#!/usr/bin/env bash
# Bad command lines and inputs get a clear error and the documented exit code
# (2: the command line or an input file is wrong), end within a time limit
# (no hang), and leave no output behind. One line per case:
#   EXPECTED_EXIT | REGEX the output must match | planaria arguments
# Usage: cli_errors_test.sh PLANARIA_CLI WORK_DIR
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
b="$root/scenarios/workload-b.yaml"
m="$root/scenarios/models"

# Inputs that are something else than they seem.
mkdir -p "$work/adir"
: > "$work/empty.yaml"
printf 'name: a\nname: b\n' > "$work/dup.yaml"
printf 'name: a\n---\nname: b\n' > "$work/two.yaml"
printf 'subarray:\n  grid: [2, 2147483656]\n' > "$work/grid.yaml"
sed 's/^key: .*/key: ..\/escaped/' "$m/tiny_yolo.yaml" > "$work/escape.yaml"
sed 's/^key: .*/key: ""/' "$m/tiny_yolo.yaml" > "$work/nokey.yaml"
sed 's/^priorities: .*/priorities: [1, 12]/' "$b" > "$work/prio.yaml"
grep -q '^priorities:' "$work/prio.yaml" || printf 'priorities: [1, 12]\n' >> "$work/prio.yaml"
sed 's/^priorities: .*/priorities: [1, 4294967295]/' "$work/prio.yaml" > "$work/prio-huge.yaml"
mkdir -p "$work/arch"; cp "$root/scenarios/arch/"*.yaml "$work/arch/"; mkdir -p "$work/models"; cp "$m"/*.yaml "$work/models/"
"$cli" compile "$m/tiny_yolo.yaml" --subarrays 4 --out-dir "$work/good" > /dev/null
for c in 4611686018427387904 10000000; do
  printf 'format: planaria-model/1\nname: big\nkey: big\nsource: test\ninputs:\n  - {name: x, shape: [64, 8, 8]}\nlayers:\n  - {name: conv, type: conv, out_channels: %s, kernel: 3, padding: 1}\n' "$c" > "$work/big$c.yaml"
done
head -c 100 "$work/good/tiny_yolo.bundle" > "$work/cut.bundle"
cp "$work/good/tiny_yolo.bundle" "$work/flipped.bundle"
printf '\x55' | dd of="$work/flipped.bundle" bs=1 seek=5000 conv=notrunc status=none

cases=(
  "2|--requests: must be a whole number from 1 to 1000000, not '-5'|run $b --requests -5"
  "2|--requests: must be a whole number from 1 to 1000000, not 0|run $b --requests 0"
  "2|--nodes: must be a whole number from 1 to 1024, not '-1'|run $b --nodes -1"
  "2|--seed: must be a whole number|run $b --seed -1"
  "2|--seeds: must be a whole number from 1 to 10000, not 0|run $b --seeds 0"
  "2|--seeds: must be a whole number from 1 to 10000, not '-1'|run $b --seeds -1"
  "2|--rate: must be a number from 0.001|run $b --rate 1e-9"
  "2|--rate: must be a number from 0.001|run $b --rate nan"
  "2|span more than 10\^6 s|run $b --rate 0.001 --requests 100000"
  "2|--qos: unknown QoS level 'X'|run $b --qos X"
  "2|--policy: unknown scheduling policy 'bogus'|run $b --policy bogus"
  "2|--fidelity: must be table, tile or cycle|run $b --fidelity rtl"
  "2|--fidelity: 'rtl' is not tile or cycle|replay $m/tiny_yolo.yaml --fidelity rtl"
  "2|--fidelity: 'gate' is not tile or cycle|arch modules --fidelity gate"
  "2|model 'mobilenet_v1' has no layer 'nosuch'|trace replay $m/mobilenet_v1.yaml --input image=3x32x32 --layer nosuch --out $work/nosuch.vcd"
  "2|subarray 9 is not one of the 4 the inference runs on|trace replay $m/mobilenet_v1.yaml --input image=3x32x32 --subarrays 4 --layer conv1 --subarray 9 --out $work/far.vcd"
  "2|--layer: name the layer to trace|trace replay $m/mobilenet_v1.yaml --out $work/nolayer.vcd"
  "2|--preempt-after: must be a number|replay $m/tiny_yolo.yaml --preempt-after -3"
  "2|--preempt-after: must be a number|replay $m/tiny_yolo.yaml --preempt-after nan"
  "2|--subarrays: must be a whole number from 0 to 16, not 17|replay $m/tiny_yolo.yaml --subarrays 17"
  "2|--depthwise: depth-wise mapping 'diagonal': expected column or block-diagonal|compile $m/tiny_yolo.yaml --depthwise diagonal --out-dir $work/dw"
  "2|--depthwise: block-diagonal is timing only|replay $m/mobilenet_v1.yaml --depthwise block-diagonal --functional"
  "2|energy.pe_gating: must be none, data or clock, got 'sometimes'|arch show --set energy.pe_gating=sometimes"
  "2|--dram-tolerance: must be a number from 0 to 1000, not '-1'|replay $m/tiny_yolo.yaml --tolerance 5 --dram-tolerance -1"
  "2|--subarrays: must be a whole number from 1 to 16, not 0|trace datapath --out $work/t.vcd --subarrays 0"
  "2|--seconds: must be a number from 0 to 3600|bench datapath --seconds -1"
  "2|clock_mhz: must be between 1 and 10000 MHz, got 1e\+30|arch show --set clock_mhz=1e30"
  "2|clock_mhz: must be between 1 and 10000 MHz|run $b --set clock_mhz=1e-300"
  "2|subarray.grid: must be at most 64|arch check $work/grid.yaml"
  "2|subarray.grid: must be at most 64|arch configs $work/grid.yaml"
  "2|is a directory|arch check $work/adir"
  "2|the file is empty|arch check $work/empty.yaml"
  "2|name: duplicate key|arch check $work/dup.yaml"
  "2|second YAML document|arch check $work/two.yaml"
  "2|is a directory|replay $work/adir"
  "2|key: must be 1 to 64 letters.*'../escaped'|compile $work/escape.yaml --out-dir $work/bundles"
  "2|key: must be 1 to 64 letters|compile $work/nokey.yaml --out-dir $work/bundles"
  "2|priorities\[1\]: the highest priority is 11|run $work/prio.yaml"
  "2|priorities\[1\]: the highest priority is 11|run $work/prio-huge.yaml"
  "2|cut.bundle: truncated|bundle check $work/cut.bundle"
  "2|flipped.bundle: checksum mismatch|bundle check $work/flipped.bundle"
  "2|not a planaria bundle \(empty file\)|bundle check $work/empty.yaml"
  "2|not this one|bundle check $work/good/tiny_yolo.bundle --set clock_mhz=800"
  "0|tiny_yolo.bundle: ok|bundle check $work/good/tiny_yolo.bundle"
  "0|fingerprint 0x[0-9a-f]{16}|bundle show $work/good/tiny_yolo.bundle"
  "0|^ +4 +32 +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +4 +[1-9]|bundle show $work/good/tiny_yolo.bundle"
  "0|^ +1 +32 +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +0 +0 +0$|bundle show $work/good/tiny_yolo.bundle"
  "2|--subarrays: must list counts from 1 to 16|compile $m/tiny_yolo.yaml --subarrays 0,17 --out-dir $work/bundles"
  "2|layer 'conv' \(conv\): sizes too large: a product overflows 64 bits|compile $work/big4611686018427387904.yaml --out-dir $work/bundles"
  "2|the instruction streams exceed 33554432 instructions|compile $work/big10000000.yaml --out-dir $work/bundles"
  "2|unknown experiment 'bogus'|experiment bogus --profile smoke --out-dir $work/exp-bogus"
  "2|--profile: unknown experiment profile 'huge'|experiment timeline --profile huge --out-dir $work/exp-huge"
)
failed=0
for c in "${cases[@]}"; do
  IFS='|' read -r want regex args <<< "$c"
  # shellcheck disable=SC2086
  out=$(timeout 60 "$cli" $args 2>&1); rc=$?
  if [ "$rc" != "$want" ] || ! grep -Eq -- "$regex" <<< "$out"; then
    echo "FAIL: planaria $args: exit $rc (want $want), output: $(tail -2 <<< "$out")" >&2; failed=$((failed + 1))
  fi
done
# No side effects of a refused command.
for d in "$work/exp-bogus" "$work/exp-huge" "$work/bundles"; do
  [ -e "$d" ] && [ -n "$(ls -A "$d")" ] && { echo "FAIL: a refused command left $d: $(ls -A "$d")" >&2; failed=$((failed + 1)); }
done
for f in nosuch.vcd far.vcd nolayer.vcd; do [ -e "$work/$f" ] && { echo "FAIL: a refused trace left $f" >&2; failed=$((failed + 1)); }; done
[ -e "$root/scenarios/escaped.bundle" ] || [ -e "$work/escaped.bundle" ] && { echo "FAIL: a model key wrote outside --out-dir" >&2; failed=$((failed + 1)); }
# trace creates the folder of its VCD like every other command.
"$cli" trace datapath --out "$work/new/folder/x.vcd" > /dev/null 2>&1 && [ -s "$work/new/folder/x.vcd" ] ||
  { echo "FAIL: trace did not create the folder of its VCD" >&2; failed=$((failed + 1)); }

# Writing to a full disk: /dev/full for a single file, and (where this user may
# mount one) a 64 KiB tmpfs for a folder of outputs: an error naming the file,
# a non-zero exit, nothing left behind.
out=$(timeout 60 "$cli" trace datapath --out /dev/full 2>&1) && { echo "FAIL: a VCD to /dev/full exited 0" >&2; failed=$((failed + 1)); }
grep -q "/dev/full: write failed" <<< "$out" || { echo "FAIL: no write error for /dev/full: $out" >&2; failed=$((failed + 1)); }
mkdir -p "$work/tiny"
if mount -t tmpfs -o size=64k tmpfs "$work/tiny" 2>/dev/null; then
  # Without the feasibility replays: the write fails after the simulation either way (the same
  # code), but after a SystemC simulation AddressSanitizer misreads the exception that reports it
  # (google/sanitizers#189) and the sanitizer build would abort instead.
  out=$(timeout 60 "$cli" run "$b" --requests 100 --seeds 1 --no-search --no-feasibility --out "$work/tiny/out" 2>&1) &&
    { echo "FAIL: a run to a full disk exited 0" >&2; failed=$((failed + 1)); }
  grep -q "No space left on device" <<< "$out" || { echo "FAIL: no full-disk error: $out" >&2; failed=$((failed + 1)); }
  [ -z "$(ls -A "$work/tiny")" ] || { echo "FAIL: a full disk kept $(ls -A "$work/tiny")" >&2; failed=$((failed + 1)); }
  umount "$work/tiny"
else
  echo "note: cannot mount a tmpfs here; the full-disk folder case is skipped"
fi
echo "$(( ${#cases[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ] && echo "every bad input refused"
exit $((failed > 0))
