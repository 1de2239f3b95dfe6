#!/usr/bin/env bash
# A fresh-machine rehearsal: does the README's quick start work on a Debian 12 machine that
# never ran this project? A green CI on a used machine can hide a missing install step
# (it did: ImageMagick's SVG delegate), so this builds a clean Debian 12 (bookworm) root,
# puts a clean clone of this repository's HEAD commit in it, and runs, as root inside it:
#
#   bash scripts/run.sh --headless --self-test     (the run command, ending by itself)
#   bash scripts/test.sh [PYTEST ARGS]              (every test)
#
# Usage (as root, on Linux; the network must reach Debian's mirrors and PyPI):
#   bash scripts/fresh-machine-check.sh [--keep] [--rebuild-base] [-- PYTEST ARGS]
#     --keep           leave the root in place afterwards (it is removed by default)
#     --rebuild-base   build the Debian base again instead of reusing the cached one
#   FRESH_ROOT_DIR     where roots, the cached base and logs go
#                      (default /work/fresh-root, else /tmp/shelfmark-fresh-root)
#
# The Debian base (mmdebstrap --variant=important, plus git and ca-certificates, as on a
# machine someone cloned the repository on) is cached for a week as a tarball: it holds
# nothing of the project's, so every package and Python dependency the project needs is
# still installed by the project's own scripts in each rehearsal.
#
# Only the committed HEAD is tested: uncommitted changes are not in the clone.
# Ends with one summary line, and exits non-zero if either command failed.
# Takes about 17 minutes on 2 cores (the base is cached); it need not run in .ci/run.
set -euo pipefail

KEEP=false
REBUILD=false
PYTEST_ARGS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --keep) KEEP=true ;;
    --rebuild-base) REBUILD=true ;;
    --) shift; PYTEST_ARGS=("$@"); break ;;
    *) echo "usage: $0 [--keep] [--rebuild-base] [-- PYTEST ARGS]" >&2; exit 2 ;;
  esac
  shift
done

say() { echo "fresh-machine-check: $*"; }
die() { echo "fresh-machine-check: $*" >&2; exit 1; }

[[ $(uname -s) == Linux ]] || die "needs Linux (chroot, mount)"
[[ $(id -u) -eq 0 ]] || die "needs root (it builds a chroot and mounts /proc, /sys, /dev in it)"
REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
COMMIT=$(git -C "$REPO" rev-parse HEAD)
if [[ -n $(git -C "$REPO" status --porcelain --untracked-files=no) ]]; then
  say "note: uncommitted changes in $REPO are not tested (only commit ${COMMIT:0:12})"
fi

if [[ -z ${FRESH_ROOT_DIR:-} ]]; then
  if [[ -d /work && -w /work ]]; then FRESH_ROOT_DIR=/work/fresh-root; else FRESH_ROOT_DIR=/tmp/shelfmark-fresh-root; fi
fi
case $(realpath -m "$FRESH_ROOT_DIR")/ in
  "$REPO"/*) die "FRESH_ROOT_DIR must not be inside the repository ($REPO)" ;;
esac
mkdir -p "$FRESH_ROOT_DIR/logs"
FRESH_ROOT_DIR=$(realpath "$FRESH_ROOT_DIR")
BASE=$FRESH_ROOT_DIR/bookworm-base.tar
BASE_NEW=$FRESH_ROOT_DIR/bookworm-base.new.tar
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ROOT=$FRESH_ROOT_DIR/root-${COMMIT:0:12}-$$
LOG=$FRESH_ROOT_DIR/logs/$STAMP-${COMMIT:0:12}
mkdir -p "$LOG"
STARTED=$(date +%s)
elapsed() {
  local seconds=$(($(date +%s) - $1))
  printf '%dm%02ds' $((seconds / 60)) $((seconds % 60))
}

# ---- clean-up, whatever happens ----------------------------------------------------------
mounted_under_root() { awk -v root="$ROOT" '$2 == root || index($2, root "/") == 1 {print $2}' /proc/mounts; }
processes_in_root() {
  local proc
  for proc in /proc/[0-9]*; do
    [[ $(readlink "$proc/root" 2>/dev/null) == "$ROOT" ]] && echo "${proc#/proc/}"
  done
  return 0
}
cleanup() {
  local status=$? pids
  trap - EXIT INT TERM
  if [[ -d $ROOT ]]; then
    # What the commands left running in the root (PostgreSQL, an Xvfb): these are ours.
    chroot "$ROOT" sh -c 'command -v pg_lsclusters >/dev/null && pg_lsclusters --no-header | while read -r v n _; do pg_ctlcluster "$v" "$n" stop -m fast; done' >/dev/null 2>&1 || true
    pids=$(processes_in_root)
    if [[ -n $pids ]]; then
      # shellcheck disable=SC2086
      kill -TERM $pids 2>/dev/null || true
      sleep 2
      pids=$(processes_in_root)
      # shellcheck disable=SC2086
      [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
    fi
    local point
    for point in $(mounted_under_root | sort -r); do
      umount "$point" 2>/dev/null || umount -l "$point" 2>/dev/null || true
    done
    if [[ -n $(mounted_under_root) ]]; then
      echo "fresh-machine-check: still mounted under $ROOT, not removing it:" >&2
      mounted_under_root >&2
      status=1
    elif ! $KEEP; then
      rm -rf --one-file-system "$ROOT"
    else
      say "kept the root: $ROOT (enter it with: chroot $ROOT)"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the Debian 12 base ------------------------------------------------------------------
if ! command -v mmdebstrap >/dev/null; then
  say "installing mmdebstrap (Debian's package) to build the root"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi
exec 8>"$FRESH_ROOT_DIR/.base.lock"
flock 8
if $REBUILD || [[ ! -s $BASE ]] || [[ -n $(find "$BASE" -mtime +7) ]]; then
  say "building a Debian 12 base with mmdebstrap (log: $LOG/mmdebstrap.log)"
  base_started=$(date +%s)
  rm -f "$BASE_NEW"
  mmdebstrap --variant=important --format=tar --include=ca-certificates,git bookworm "$BASE_NEW" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" >"$LOG/mmdebstrap.log" 2>&1 ||
    die "mmdebstrap failed: see $LOG/mmdebstrap.log"
  mv "$BASE_NEW" "$BASE"
  say "base built in $(elapsed "$base_started")"
else
  say "reusing the Debian 12 base $BASE (from $(date -u -r "$BASE" +%F); --rebuild-base to refresh)"
fi
flock -u 8
exec 8>&-

mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE"
[[ -x $ROOT/usr/bin/python3 ]] && die "the base already has python3: it is not a fresh machine"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
# The certificate authorities this machine's administrator added (a network that reaches
# PyPI through a TLS proxy has one): any machine on this network has them, and pip fails
# without them, so the root trusts them too. Nothing of the project's is copied.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
  chroot "$ROOT" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root"
  say "the root trusts this machine's added certificate authorities ($(ls /usr/local/share/ca-certificates/*.crt | wc -l))"
fi

# ---- a clean clone of HEAD ---------------------------------------------------------------
git clone --quiet --no-hardlinks "$REPO" "$ROOT/root/shelfmark"
git -C "$ROOT/root/shelfmark" checkout --quiet --detach "$COMMIT"
say "root $ROOT, commit ${COMMIT:0:12}, logs $LOG"

# ---- what a machine has mounted ----------------------------------------------------------
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
mount --make-rslave "$ROOT/dev"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$ROOT/dev/shm"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$ROOT/tmp"

# A clean environment, as a root login has. In the background and waited for, so that
# Ctrl+C or a TERM reaches the clean-up at once rather than after the command.
inside() {
  chroot "$ROOT" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "cd /root/shelfmark && $1" &
  wait $!
}

# ---- 1. the run command ------------------------------------------------------------------
say "1/2 bash scripts/run.sh --headless --self-test (log: $LOG/run.log)"
run_started=$(date +%s)
run_status=0
inside "bash scripts/run.sh --headless --self-test" >"$LOG/run.log" 2>&1 </dev/null || run_status=$?
run_time=$(elapsed "$run_started")
if [[ $run_status -eq 0 ]]; then run_result="ok"; else run_result="FAILED (exit $run_status)"; tail -20 "$LOG/run.log" >&2; fi
say "run.sh --headless --self-test: $run_result in $run_time"

# ---- 2. the test command -----------------------------------------------------------------
say "2/2 bash scripts/test.sh ${PYTEST_ARGS[*]} (log: $LOG/test.log)"
test_started=$(date +%s)
test_status=0
quoted=$(printf ' %q' "${PYTEST_ARGS[@]}")
[[ ${#PYTEST_ARGS[@]} -gt 0 ]] || quoted=""
inside "bash scripts/test.sh$quoted" >"$LOG/test.log" 2>&1 </dev/null || test_status=$?
test_time=$(elapsed "$test_started")
# pytest's closing line, e.g. "==== 3 failed, 520 passed, 7 errors in 812.34s (0:13:32) ===="
closing=$(grep -E '([0-9]+ (passed|failed|errors?|skipped)|no tests ran).* in [0-9.]+s' "$LOG/test.log" | tail -1 || true)
count() { grep -oE "[0-9]+ $1" <<<"$closing" | grep -oE '^[0-9]+' || echo 0; }
passed=$(count passed)
failed=$(count failed)
errors=$(count 'errors?')
skipped=$(count skipped)
if [[ $test_status -ne 0 ]]; then
  grep -E '^(FAILED|ERROR) ' "$LOG/test.log" | head -40 >&2 || true
  [[ -n $closing ]] || tail -20 "$LOG/test.log" >&2
fi
say "test.sh: exit $test_status in $test_time: ${closing:-no pytest summary (see $LOG/test.log)}"

total=$(elapsed "$STARTED")
overall=passed
[[ $run_status -eq 0 && $test_status -eq 0 ]] || overall=FAILED
echo "fresh-machine-check: $overall: $passed passed, $failed failed, $errors errors, $skipped skipped; run.sh --self-test $run_result; commit ${COMMIT:0:12}; elapsed $total"
[[ $overall == passed ]]
