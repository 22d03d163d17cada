#!/usr/bin/env bash
# cli_bad_input.sh: the command line's bad-input table. Every line of every tests/cli_bad/*.tsv
# is one case, run against $GS_BIN; the test fails naming each case whose exit code or message
# differs. The format (tests/cli_bad/README.md):
#   NAME <TAB> EXIT <TAB> STDERR-SUBSTRING <TAB> ARG <TAB> ARG ...
# '#' lines and blank lines are skipped. In every field @SRC@ is the source tree ($GS_SRC) and
# @TMP@ a scratch folder of this run (it exists; nothing else is in it); an empty substring
# checks nothing. A case that fails (exit other than 0) must leave nothing in @TMP@/out, and its
# message must be the command's ("gridsplit ..."), never an internal error.
set -u
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_cli_bad.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
work="$tmp/tmp"  # @TMP@
mkdir -p "$work"
fail=0 cases=0
declare -A seen
shopt -s nullglob
tables=("$GS_SRC"/tests/cli_bad/*.tsv)
[ ${#tables[@]} -gt 0 ] || { echo "FAIL: no tests/cli_bad/*.tsv"; exit 1; }
for table in "${tables[@]}"; do
    tname=$(basename "$table")
    lineno=0
    while IFS= read -r line || [ -n "$line" ]; do
        lineno=$((lineno + 1))
        case "$line" in '' | '#'*) continue ;; esac
        # a separator that is not white space keeps empty fields
        IFS=$'\x1f' read -r -a f <<< "${line//$'\t'/$'\x1f'}"
        for i in "${!f[@]}"; do
            f[i]=${f[i]//@SRC@/$GS_SRC}
            f[i]=${f[i]//@TMP@/$work}
        done
        where="$tname:$lineno"
        name=${f[0]:-} want=${f[1]:-} pat=${f[2]:-}
        if [ -z "$name" ] || ! [[ "$want" =~ ^[0-9]+$ ]] || [ ${#f[@]} -lt 3 ]; then
            echo "FAIL $where: expected NAME<TAB>EXIT<TAB>SUBSTRING<TAB>ARGS..., found '$line'"
            fail=1
            continue
        fi
        if [ -n "${seen[$name]:-}" ]; then
            echo "FAIL $where $name: the name is also used at ${seen[$name]}"
            fail=1
        fi
        seen[$name]=$where
        cases=$((cases + 1))
        args=("${f[@]:3}")
        rm -rf "$work/out"
        (cd "$work" && timeout 300 "$GS_BIN" "${args[@]}" < /dev/null > "$tmp/stdout" 2> "$tmp/stderr")
        rc=$?
        msg=$(head -c 2000 "$tmp/stderr")
        if [ "$rc" != "$want" ]; then
            echo "FAIL $where $name: exit $rc, want $want: $msg"
            fail=1
            continue
        fi
        if [ -n "$pat" ] && ! grep -qF -- "$pat" "$tmp/stderr"; then
            echo "FAIL $where $name: the message lacks '$pat': $msg"
            fail=1
            continue
        fi
        if [ "$rc" != 0 ]; then
            if ! head -n 1 "$tmp/stderr" | grep -q '^gridsplit[ :]'; then
                echo "FAIL $where $name: the message is not the command's: $msg"
                fail=1
            elif grep -qE 'internal error|declaration of' "$tmp/stderr"; then
                echo "FAIL $where $name: an internal error: $msg"
                fail=1
            elif [ -n "$(ls -A "$work/out" 2> /dev/null)" ]; then
                echo "FAIL $where $name: output left behind in @TMP@/out after exit $rc"
                fail=1
            fi
        fi
    done < "$table"
done
[ "$cases" -gt 0 ] || { echo "FAIL: no cases in tests/cli_bad/*.tsv"; exit 1; }
[ "$fail" = 0 ] && echo "ok: $cases cases"
exit "$fail"
