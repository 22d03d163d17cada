#!/usr/bin/env bash
# No unsafe C library calls in the sources (as curl's checksrc does): sprintf, vsprintf, strcpy,
# strcat, strncpy, gets, atoi, atol, atof, strtok. Use snprintf, strtol/strtod with end checks.
set -euo pipefail
cd "$GS_SRC"
hits=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|gets|atoi|atol|atof|strtok)\s*\(' \
        $(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tools/*.c' 'bench/*.c' 'tests/*.c' 2>/dev/null || find src include tools bench tests -name '*.[ch]') \
       | grep -vE '^\S+:[0-9]+:\s*(/\*|\*|//)' || true)
if [ -n "$hits" ]; then
  echo "banned functions used:"
  echo "$hits"
  exit 1
fi
echo ok
