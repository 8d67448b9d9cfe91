#!/usr/bin/env bash
# Regenerates layout/fieldfix.order: the functions fieldfix runs in its everyday commands, which
# the linker then places together at the start of the program's code (README, "Performance").
#
# Linux x86_64 only; needs valgrind. It makes a release build of its own (about 6 minutes on 2
# cores), runs the commands below under callgrind and lists the functions they execute. Run it
# again after a toolchain or dependency update, or a version bump: symbol names change with them,
# and build.rs uses the file only with the rustc named on its first line.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || {
  echo "layout/generate.sh needs valgrind" >&2
  exit 2
}

dir="$PWD/target/layout"
# The release build as `cargo build --release` makes it, but keeping its symbols: `-C strip`
# in RUSTFLAGS overrides the profile's without changing a single symbol name (the profile's
# own `strip = false` would: it is part of the hash in every name).
RUSTFLAGS="-C strip=none" cargo build --release --bin fieldfix --target-dir "$dir"
bin="$dir/release/fieldfix"

# The commands whose code goes first: start-up and `--version`, `diagnose` as text and JSON on
# a few guides and answers, `list`, `show` and `search`.
runs=(
  "--version"
  "diagnose photos --device ios --network weak"
  "diagnose photos --device ios --network weak --format json"
  "diagnose budget-not-updating --format json"
  "diagnose permission-denied --device computer"
  "list"
  "show photos"
  "search photos stuck uploading on my ipad"
)
{
  echo "# rustc: $(rustc -V)"
  echo "# Made by layout/generate.sh: the functions these commands run, for the linker to place"
  echo "# together (README, \"Performance\"). One symbol a line."
  # Each function once, symbols only (not callgrind's `(below main)`, nor code it names by
  # address, 0x...), sorted so that the file is the same from one run to the next.
  for args in "${runs[@]}"; do
    # shellcheck disable=SC2086 # the arguments are split on purpose
    valgrind --tool=callgrind --demangle=no --compress-strings=no \
      --callgrind-out-file="$dir/callgrind.out" "$bin" $args >/dev/null 2>&1 || true
    # The functions of fieldfix itself (`ob=` names the object of the `fn=` lines after it)
    # that ran, without callgrind's recursion marks (name'2).
    awk -v bin="$bin" '
      /^ob=/ { ob = substr($0, 4) }
      /^fn=/ && ob == bin { name = substr($0, 4); sub(/\x27[0-9]+$/, "", name); print name }
    ' "$dir/callgrind.out"
  done | grep -E '^[A-Za-z_][A-Za-z0-9_$.]*$' | LC_ALL=C sort -u
} >layout/fieldfix.order.new
mv layout/fieldfix.order.new layout/fieldfix.order
echo "layout/fieldfix.order: $(grep -vc '^#' layout/fieldfix.order) functions"
